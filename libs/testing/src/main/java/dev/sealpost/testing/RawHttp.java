package dev.sealpost.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One HTTP/1.1 exchange over a plain socket, with the request line exactly as written: HTTP client
 * libraries normalise paths ({@code ..}, encoded characters), which is what an attack test must not do.
 */
public final class RawHttp {

    /** The answer: its status code, its head (status line and headers) and its body as text. */
    public record Answer(int status, String head, String body) {
        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        public String contentType() {
            String type = header("Content-Type");
            return type == null ? null : type.toLowerCase(Locale.ROOT);
        }
    }

    private RawHttp() {
    }

    /** Sends {@code method target} with the given extra header lines (each without CRLF) and no body; closes after the answer. */
    public static Answer send(int port, String method, String target, String... headers) throws IOException {
        return sendFrom(null, port, method, target, headers);
    }

    /**
     * As {@link #send}, from the loopback address {@code source} (any 127.x.y.z on Linux), so that a test
     * can be a client of its own address; null for the system's choice.
     */
    public static Answer sendFrom(String source, int port, String method, String target, String... headers) throws IOException {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("\r\n");
        try (Socket socket = new Socket()) {
            if (source != null) {
                socket.bind(new java.net.InetSocketAddress(source, 0));
            }
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 15_000);
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            byte[] all = readAll(socket.getInputStream());
            String text = new String(all, StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String head = end < 0 ? text : text.substring(0, end);
            String body = end < 0 ? "" : text.substring(end + 4);
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            return new Answer(status, head, body);
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        } catch (java.net.SocketTimeoutException e) {
            if (out.size() == 0) {
                throw e;
            }
        }
        return out.toByteArray();
    }
}
