package org.timekeeper.drain;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** One GET on a fresh TCP connection: distinguishes "refused" (an exception) from "answered" (a status). */
final class RawHttp {

    private RawHttp() {
    }

    static int get(String host, int port, String path, int timeoutMillis) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), timeoutMillis);
            socket.setSoTimeout(timeoutMillis);
            final OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            final BufferedReader in = new BufferedReader(
                    new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            final String statusLine = in.readLine();
            if (statusLine == null) {
                throw new IOException("connection closed before a status line");
            }
            final String[] parts = statusLine.split(" ");
            return Integer.parseInt(parts[1]);
        }
    }
}
