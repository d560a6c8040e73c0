package org.timekeeper.servlets;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.timekeeper.server.AllowedMethods;
import org.timekeeper.server.ClientIpFilter;
import org.timekeeper.servlets.TimezoneAnswers.Answer;

import java.io.IOException;
import java.util.List;

/**
 * Serves {@value #PATH}, {@value #PATH}.txt and everything under {@value #PATH}/ that
 * {@link TimezoneReadHandler} leaves to the servlet context: other methods (405 with Allow,
 * OPTIONS) and paths that need the servlet layer's decoding and normalisation. Everything else
 * a request gets on any path comes from the server around it: X-Request-Id, X-Served-By and
 * X-App-Version (a connector customizer), client_ip (ClientIpFilter), the request log, Jetty's
 * request metrics.
 */
public class TimezoneServlet extends HttpServlet {

    public static final String PATH = "/api/timezone";
    /** The servlet mappings that together cover {@value #PATH}, its .txt and every path under it. */
    public static final List<String> MAPPINGS = List.of(PATH, PATH + TimezoneAnswers.TEXT_SUFFIX, PATH + "/*");

    private final CountedAnswers answers;

    public TimezoneServlet(CountedAnswers answers) {
        this.answers = answers;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        final String method = request.getMethod();
        final boolean head = "HEAD".equals(method);
        if (!head && !"GET".equals(method)) {
            response.setHeader("Allow", AllowedMethods.READ_ONLY);
            if ("OPTIONS".equals(method)) {
                response.setStatus(200);
                response.setContentLength(0);
            } else {
                write(response, TimezoneAnswers.error(null, 405, "method not allowed"), true);
            }
            return;
        }
        final long start = System.nanoTime();
        final String path = request.getServletPath() + (request.getPathInfo() == null ? "" : request.getPathInfo());
        final Answer answer = answers.get(path.substring(PATH.length()), request.getHeader("Accept"), clientIpOf(request));
        answers.count(answer, start);
        write(response, answer, !head);
    }

    private static String clientIpOf(HttpServletRequest request) {
        final Object clientIp = request.getAttribute(ClientIpFilter.PROPERTY);
        return clientIp == null ? "" : clientIp.toString();
    }

    private static void write(HttpServletResponse response, Answer answer, boolean withBody) throws IOException {
        response.setStatus(answer.status());
        response.setContentType(answer.contentType());
        response.setContentLength(answer.body().length);
        if (withBody) {
            response.getOutputStream().write(answer.body());
        }
    }
}
