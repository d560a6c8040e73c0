package org.timekeeper.resources;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;
import org.timekeeper.server.TrustedProxies;

import java.util.Collections;
import java.util.List;

/**
 * Works out client_ip once per request, from the socket peer and, only when the peer is a
 * trusted proxy, X-Forwarded-For; resources read it from the request property {@value #PROPERTY}.
 */
@Provider
public class ClientIpFilter implements ContainerRequestFilter {

    public static final String PROPERTY = "timekeeper.clientIp";
    static final String FORWARDED_FOR = "X-Forwarded-For";

    private final TrustedProxies trustedProxies;

    @Context
    private HttpServletRequest servletRequest;

    public ClientIpFilter(TrustedProxies trustedProxies) {
        this.trustedProxies = trustedProxies;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        final List<String> forwardedFor = request.getHeaders().getOrDefault(FORWARDED_FOR, Collections.emptyList());
        request.setProperty(PROPERTY, trustedProxies.clientAddress(servletRequest.getRemoteAddr(), forwardedFor));
    }

    static String clientIpOf(ContainerRequestContext request) {
        final Object clientIp = request.getProperty(PROPERTY);
        return clientIp == null ? "" : clientIp.toString();
    }
}
