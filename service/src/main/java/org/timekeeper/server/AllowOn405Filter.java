package org.timekeeper.server;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.UnaryOperator;

/**
 * Every 405 of a servlet context carries an Allow header (RFC 9110), whoever answers it: the
 * allowed-methods filter and Dropwizard's admin servlets send none, so this one adds the path's
 * methods when the status is set without it. Installed first in each context's filter chain.
 */
public final class AllowOn405Filter implements Filter {

    private static final String ALLOW = "Allow";

    private final UnaryOperator<String> allowedMethodsOfPath;
    private final boolean readsAllowedEverywhere;

    /**
     * @param readsAllowedEverywhere GET and HEAD are allowed on every path of the context, so
     *                               only other methods can draw a 405 and only they are watched
     *                               (the hot requests then cost no response wrapper)
     */
    public AllowOn405Filter(UnaryOperator<String> allowedMethodsOfPath, boolean readsAllowedEverywhere) {
        this.allowedMethodsOfPath = allowedMethodsOfPath;
        this.readsAllowedEverywhere = readsAllowedEverywhere;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        final HttpServletRequest httpRequest = (HttpServletRequest) request;
        if (readsAllowedEverywhere && ("GET".equals(httpRequest.getMethod()) || "HEAD".equals(httpRequest.getMethod()))) {
            chain.doFilter(request, response);
            return;
        }
        final String path = httpRequest.getRequestURI();
        chain.doFilter(request, new HttpServletResponseWrapper((HttpServletResponse) response) {
            private void allowIf405(int status) {
                if (status == HttpServletResponse.SC_METHOD_NOT_ALLOWED && !containsHeader(ALLOW)) {
                    setHeader(ALLOW, allowedMethodsOfPath.apply(path));
                }
            }

            /** A bare 405 status (Dropwizard's task servlet) becomes an error, so its body is the JSON one too. */
            @Override
            public void setStatus(int status) {
                allowIf405(status);
                if (status == HttpServletResponse.SC_METHOD_NOT_ALLOWED) {
                    try {
                        super.sendError(status);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                } else {
                    super.setStatus(status);
                }
            }

            @Override
            public void sendError(int status) throws IOException {
                allowIf405(status);
                super.sendError(status);
            }

            @Override
            public void sendError(int status, String message) throws IOException {
                allowIf405(status);
                super.sendError(status, message);
            }
        });
    }
}
