package io.stockingest.core.http;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.StartupTrace;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.HttpRequestRetryStrategy;
import org.apache.hc.client5.http.classic.ExecChain;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.ClassicHttpRequest;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.Method;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * The bottom of every transport stack: Apache HttpClient 5 (classic, blocking; callers run on virtual threads),
 * one pooled client per provider, gzip accepted, redirects followed (Yahoo's cookie host redirects).
 *
 * <p>Every request (each redirect hop too) takes its {@link RateLimiter} permit inside the client's exec chain, after
 * its connection was leased from the pool and connected, right before it is written: time spent queueing for a
 * connection cannot bunch the arrivals the limiter spaced. The answer goes back to the limiter, with the request's
 * permit, and into {@link CallStats} (requests really sent, 429s).
 *
 * <p>A GET that got no answer because the server closed its connection ({@link NoHttpResponseException}: a pooled
 * keep-alive connection the server had closed while it sat idle) or reset it ({@code SocketException: Connection
 * reset}, also {@code Broken pipe} while the request was written: a server or proxy dropping a connection it will not
 * serve) is sent once more, at once, on a new connection and with a new permit, before anyone sees a failure. The
 * server may or may not have processed it, and a GET may be sent twice without harm (it changes nothing there; the
 * rate limiter counts both). Every other retry, and a second failure of the same kind, is {@link RetryingTransport}'s,
 * with its backoff.
 *
 * <p>Timeouts and resets become {@link ErrorKind#TRANSIENT} errors with the URI redacted. Thread-safe.
 */
public final class ApacheHttpTransport implements HttpTransport {
    private static final String PERMITS = "stock-ingest.permits";
    private final CloseableHttpClient client;
    private final String userAgent;
    private final RateLimiter limiter;

    /**
     * @param connectTimeout how long to wait for a TCP connection
     * @param responseTimeout how long to wait for the answer, and for each read of its body
     * @param limiter paces the requests; null for none
     */
    public ApacheHttpTransport(Duration connectTimeout, Duration responseTimeout, int maxConnections, String userAgent, RateLimiter limiter) {
        this.userAgent = userAgent;
        this.limiter = limiter;
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setSocketTimeout(Timeout.of(responseTimeout))
                        .build())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(responseTimeout))
                        .setConnectionRequestTimeout(Timeout.of(responseTimeout))
                        .build())
                .addExecInterceptorBefore(ChainElement.MAIN_TRANSPORT.name(), "rate-limit", this::paced)
                .setRetryStrategy(new StaleConnectionResend())
                .disableCookieManagement()
                .build();
    }

    /** The exec chain's step between leasing the connection and writing the request: waits for a permit. */
    private ClassicHttpResponse paced(ClassicHttpRequest request, ExecChain.Scope scope, ExecChain chain) throws IOException, HttpException {
        if (limiter != null) {
            CallStats.stage("waiting for the rate limiter" + limiter.blockedNow().map(why -> " (" + why + ")").orElse(""));
            List<RateLimiter.Permit> permits = permits(scope.clientContext);
            // an earlier request of this call ended without an answer to report (a redirect hop, or one resent after its
            // connection dropped): its turn ends before this one is taken (the first request of a run holds the others)
            permits.forEach(limiter::onNoAnswer);
            permits.clear();
            try {
                permits.add(limiter.acquire());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for the rate limiter");
            }
        }
        StartupTrace.once("first request leaves (permit taken)");
        CallStats.stage("sent, waiting for the answer");
        CallStats.recordRequest();
        return chain.proceed(request, scope);
    }

    @SuppressWarnings("unchecked")
    private static List<RateLimiter.Permit> permits(HttpContext context) {
        return (List<RateLimiter.Permit>) context.getAttribute(PERMITS);
    }

    @Override
    public HttpResult execute(HttpCall call) {
        HttpGet get = new HttpGet(call.uri());
        if (userAgent != null) {
            get.setHeader("User-Agent", userAgent);
        }
        get.setHeader("Accept", "application/json, text/plain, */*");
        call.headers().forEach(get::setHeader);
        HttpClientContext context = HttpClientContext.create();
        List<RateLimiter.Permit> permits = new ArrayList<>(1);
        context.setAttribute(PERMITS, permits);
        HttpResult result = null;
        try {
            result = client.execute(get, context, response -> {
                byte[] body = body(response.getEntity());
                Map<String, List<String>> headers = new LinkedHashMap<>();
                for (Header header : response.getHeaders()) {
                    headers.computeIfAbsent(header.getName(), name -> new ArrayList<>()).add(header.getValue());
                }
                return new HttpResult(response.getCode(), headers, body);
            });
            if (result.status() == 429) {
                CallStats.recordThrottled();
            }
            return result;
        } catch (SocketTimeoutException e) {
            throw new IngestException(ErrorKind.TRANSIENT, "Timed out on " + call, e);
        } catch (InterruptedIOException e) {
            throw new IngestException(ErrorKind.TRANSIENT, "Interrupted or timed out on " + call + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.TRANSIENT, "Cannot reach " + call + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
        } finally {
            report(permits, result);
        }
    }

    /** The last request's permit (those before it were reported when it was sent) gets the answer, or its absence. */
    private void report(List<RateLimiter.Permit> permits, HttpResult result) {
        for (RateLimiter.Permit permit : permits) {
            if (result != null) {
                limiter.onAnswer(permit, result);
            } else {
                limiter.onNoAnswer(permit);
            }
        }
    }

    /**
     * The whole body. With a known length (no gzip) it is read straight into an array of that size, without the
     * growing buffer and final copy of {@code EntityUtils.toByteArray}; a body cut short still fails as a premature end.
     */
    private static byte[] body(HttpEntity entity) throws IOException {
        if (entity == null) {
            return new byte[0];
        }
        long length = entity.getContentLength();
        try (InputStream in = entity.getContent()) {
            if (in == null) {
                return new byte[0];
            }
            if (length >= 0 && length <= Integer.MAX_VALUE - 16) {
                byte[] body = in.readNBytes((int) length);
                if (body.length < length) {
                    throw new ConnectionClosedException("Premature end of Content-Length delimited message body (expected: %d; received: %d)",
                            length, body.length);
                }
                return body;
            }
            return in.readAllBytes();
        }
    }

    /**
     * Resends a GET once, at once, when its connection was closed or reset without an answer; nothing else (not a
     * refused or timed-out connection, not an interrupted thread), and never on a status. Stateless.
     */
    private static final class StaleConnectionResend implements HttpRequestRetryStrategy {
        @Override
        public boolean retryRequest(HttpRequest request, IOException exception, int execCount, HttpContext context) {
            return execCount <= 1 && droppedWithoutAnswer(exception) && Method.GET.isSame(request.getMethod()) && !Thread.currentThread().isInterrupted();
        }

        /**
         * The server closed the connection before answering, or reset it ("Connection reset", "Broken pipe": a plain
         * {@link SocketException}; its subclasses are failures to connect, and a timeout is no {@code SocketException}).
         */
        static boolean droppedWithoutAnswer(IOException exception) {
            return exception instanceof NoHttpResponseException || exception.getClass() == SocketException.class;
        }

        @Override
        public boolean retryRequest(HttpResponse response, int execCount, HttpContext context) {
            return false;
        }

        @Override
        public TimeValue getRetryInterval(HttpResponse response, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }

        @Override
        public TimeValue getRetryInterval(HttpRequest request, IOException exception, int execCount, HttpContext context) {
            return TimeValue.ZERO_MILLISECONDS;
        }
    }

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // closing pooled connections; nothing to recover
        }
    }
}
