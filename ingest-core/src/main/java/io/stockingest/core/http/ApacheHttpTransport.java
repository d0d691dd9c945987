package io.stockingest.core.http;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ConnectionClosedException;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * The bottom of every transport stack: Apache HttpClient 5 (classic, blocking; callers run on virtual threads),
 * one pooled client per provider, gzip accepted, redirects followed (Yahoo's cookie host redirects).
 * Timeouts and resets become {@link ErrorKind#TRANSIENT} errors with the URI redacted. Thread-safe.
 */
public final class ApacheHttpTransport implements HttpTransport {
    private final CloseableHttpClient client;
    private final String userAgent;

    public ApacheHttpTransport(Duration timeout, int maxConnections, String userAgent) {
        this.userAgent = userAgent;
        PoolingHttpClientConnectionManager connections = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(timeout))
                        .setSocketTimeout(Timeout.of(timeout))
                        .build())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(connections)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(Timeout.of(timeout))
                        .setConnectionRequestTimeout(Timeout.of(timeout))
                        .build())
                .disableAutomaticRetries()
                .disableCookieManagement()
                .build();
    }

    @Override
    public HttpResult execute(HttpCall call) {
        HttpGet get = new HttpGet(call.uri());
        if (userAgent != null) {
            get.setHeader("User-Agent", userAgent);
        }
        get.setHeader("Accept", "application/json, text/plain, */*");
        call.headers().forEach(get::setHeader);
        try {
            return client.execute(get, response -> {
                byte[] body = body(response.getEntity());
                Map<String, List<String>> headers = new LinkedHashMap<>();
                for (Header header : response.getHeaders()) {
                    headers.computeIfAbsent(header.getName(), name -> new ArrayList<>()).add(header.getValue());
                }
                return new HttpResult(response.getCode(), headers, body);
            });
        } catch (SocketTimeoutException e) {
            throw new IngestException(ErrorKind.TRANSIENT, "Timed out on " + call, e);
        } catch (InterruptedIOException e) {
            throw new IngestException(ErrorKind.TRANSIENT, "Interrupted or timed out on " + call + ": " + e.getMessage(), e);
        } catch (IOException e) {
            throw new IngestException(ErrorKind.TRANSIENT, "Cannot reach " + call + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), e);
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

    @Override
    public void close() {
        try {
            client.close();
        } catch (IOException ignored) {
            // closing pooled connections; nothing to recover
        }
    }
}
