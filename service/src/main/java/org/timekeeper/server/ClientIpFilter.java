package org.timekeeper.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;

import java.io.IOException;
import java.util.Collections;

/**
 * Works out client_ip once per request, from the socket peer and, only when the peer is a
 * trusted proxy, X-Forwarded-For; resources read it from the request property {@value #PROPERTY}
 * (Jersey exposes servlet request attributes as request properties).
 *
 * <p>A servlet filter rather than a Jersey filter: a singleton Jersey filter reaches the servlet
 * request through an HK2 proxy that takes a lock on every request, which the benchmark's JFR
 * recording showed among the service's most contended.
 */
public class ClientIpFilter implements Filter {

    public static final String PROPERTY = "timekeeper.clientIp";
    public static final String FORWARDED_FOR = "X-Forwarded-For";

    private final TrustedProxies trustedProxies;

    public ClientIpFilter(TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        final HttpServletRequest httpRequest = (HttpServletRequest) request;
        request.setAttribute(PROPERTY, trustedProxies.clientAddress(request.getRemoteAddr(),
                Collections.list(httpRequest.getHeaders(FORWARDED_FOR))));
        chain.doFilter(request, response);
    }

    public static String clientIpOf(ContainerRequestContext request) {
        final Object clientIp = request.getProperty(PROPERTY);
        return clientIp == null ? "" : clientIp.toString();
    }
}
