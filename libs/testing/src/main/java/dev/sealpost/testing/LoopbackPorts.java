package dev.sealpost.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Port helpers for servers that tests start on the loopback interface. */
public final class LoopbackPorts {

    private LoopbackPorts() {
    }

    /** A port that nothing listens on right now; the caller must still verify who answers on it later. */
    public static int findFree() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    /**
     * True when a server could listen on 127.0.0.1:port now. Uses SO_REUSEADDR as servers do, so
     * connections lingering in TIME_WAIT do not count as the port being taken; a listener does.
     */
    public static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Fails loudly, naming the component, when the port is already held by another process. */
    public static void requireFree(int port, String component) {
        if (!isFree(port)) {
            throw new IllegalStateException(component + ": port " + port + " on 127.0.0.1 is already in use");
        }
    }
}
