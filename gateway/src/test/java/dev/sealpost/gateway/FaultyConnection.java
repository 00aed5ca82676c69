package dev.sealpost.gateway;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A TCP relay between the gateway and the real key-service that can lose answers on purpose: the
 * next {@link #loseNextAnswers(int) n} requests are received and then their connection is closed
 * without a byte of answer (what a replica that dies mid-request does). It records the head of
 * every request it saw, so a test can read what the gateway sent to the service. It can also
 * {@link #holdNextAnswers(int) hold} requests: received, the connection kept open, never answered (what a
 * hung replica does).
 */
final class FaultyConnection implements AutoCloseable {

    private static final Pattern REQUEST_LINE = Pattern.compile("^(GET|HEAD|POST|PUT|PATCH|DELETE|OPTIONS) ");

    private final ServerSocket server;
    private final int targetPort;
    private final AtomicInteger answersToLose = new AtomicInteger();
    private final AtomicInteger answersToHold = new AtomicInteger();
    private final List<String> requestHeads = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    FaultyConnection(int port, int targetPort) throws IOException {
        this.server = new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
        this.targetPort = targetPort;
        Thread acceptor = new Thread(this::accept, "faulty-connection-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    void loseNextAnswers(int count) {
        answersToLose.set(count);
    }

    void holdNextAnswers(int count) {
        answersToHold.set(count);
    }

    /** The heads (request line and headers) of the requests seen, in order. */
    List<String> requestHeads() {
        return List.copyOf(requestHeads);
    }

    void forgetRequests() {
        requestHeads.clear();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket service = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(service);
                pump(client, service, true);
                pump(service, client, false);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean requests) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) > 0) {
                    if (requests) {
                        String text = new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
                        if (REQUEST_LINE.matcher(text).find()) {
                            int end = text.indexOf("\r\n\r\n");
                            requestHeads.add(end < 0 ? text : text.substring(0, end));
                            if (answersToLose.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                                from.close(); // received, never answered
                                to.close();
                                return;
                            }
                            if (answersToHold.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                                while (in.read(buffer) > 0) {
                                    // received, kept open, never passed on
                                }
                                return;
                            }
                        }
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
            } catch (IOException ignored) {
                // the other side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "faulty-connection-pump");
        thread.setDaemon(true);
        thread.start();
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket socket : sockets) {
            closeQuietly(socket);
        }
    }
}
