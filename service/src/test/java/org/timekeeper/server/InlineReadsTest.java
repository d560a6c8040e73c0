package org.timekeeper.server;

import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.timekeeper.testing.RawHttp;
import org.timekeeper.testing.RawHttp.Reply;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real Jetty server with one selector thread: reads run on the thread that parsed them, every
 * other request on the pool, and a request that blocks never holds up the reads.
 */
class InlineReadsTest {

    private static final String CALLER_THREAD = "test.callerThread";
    private static final int TIMEOUT_MILLIS = 10_000;

    private final CountDownLatch blockedRequestArrived = new CountDownLatch(1);
    private final CountDownLatch releaseBlockedRequest = new CountDownLatch(1);
    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        final ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        final Handler inner = new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                final String path = request.getHttpURI().getPath();
                switch (path) {
                    case "/not-handled" -> {
                        return false;
                    }
                    case "/fails" -> throw new IllegalStateException("on purpose");
                    case "/blocks" -> {
                        blockedRequestArrived.countDown();
                        releaseBlockedRequest.await(3 * TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
                    }
                    default -> {
                    }
                }
                final String where = request.getAttribute(CALLER_THREAD) == Thread.currentThread() ? "same thread" : "another thread";
                response.setStatus(200);
                response.write(true, ByteBuffer.wrap(where.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        };
        final Handler inlineReads = new InlineReads(inner, request -> request.getHttpURI().getPath().startsWith("/read"));
        server.setHandler(new Handler.Wrapper(inlineReads) {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                request.setAttribute(CALLER_THREAD, Thread.currentThread());
                return super.handle(request, response, callback);
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        releaseBlockedRequest.countDown();
        server.stop();
    }

    private Reply get(String path) throws Exception {
        return RawHttp.get("127.0.0.1", port, path, TIMEOUT_MILLIS);
    }

    @Test
    void theServerIsNonBlockingSoJettyLetsItsSelectorRunTheReads() {
        assertThat(server.getInvocationType()).isEqualTo(InvocationType.NON_BLOCKING);
    }

    @Test
    void readsRunWhereTheyWereParsedAndEverythingElseOnThePool() throws Exception {
        assertThat(get("/read/x").body()).isEqualTo("same thread");
        assertThat(get("/other").body()).isEqualTo("another thread");
    }

    @Test
    void aBlockedRequestDoesNotHoldUpTheReads() throws Exception {
        final CompletableFuture<Reply> blocked = CompletableFuture.supplyAsync(() -> {
            try {
                return get("/blocks");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(blockedRequestArrived.await(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS)).isTrue();
        // With one selector thread, a read can only be answered now if /blocks is not running on it.
        for (int i = 0; i < 20; i++) {
            assertThat(get("/read/" + i).status()).isEqualTo(200);
        }
        assertThat(blocked).isNotDone();
        releaseBlockedRequest.countDown();
        assertThat(blocked.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS).status()).isEqualTo(200);
    }

    @Test
    void onThePoolNotHandledIsA404AndAFailureA500AsJettyAnswersThem() throws Exception {
        assertThat(get("/not-handled").status()).isEqualTo(404);
        assertThat(get("/fails").status()).isEqualTo(500);
    }
}
