package dev.tracegate.gateway.testsupport;

import java.net.URL;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;

import dev.tracegate.gateway.auth.TenantPaths;

/**
 * An OTLP gRPC exporter, as the OpenTelemetry SDKs send {@code TraceService/Export}: HTTP/2 with prior knowledge in
 * cleartext, by ALPN over TLS, the tenant in the {@code x-scope-orgid} metadata and the token in {@code authorization}.
 * It reads the whole answer, trailers included, so a test sees the gRPC status the exporter would.
 */
public final class GrpcExporter implements AutoCloseable {

    /** The answer's status line and metadata, trailers included. */
    public record Answer(int httpStatus, MultiMap headers, MultiMap trailers, Buffer body) {
        /** In the trailers, or in the headers of a trailers-only answer (how a refusal comes). */
        public String grpcStatus() {
            return trailers.contains("grpc-status") ? trailers.get("grpc-status") : headers.get("grpc-status");
        }
    }

    private final Vertx vertx = Vertx.vertx();
    private final HttpClient client;

    private GrpcExporter(HttpClientOptions options) {
        client = vertx.createHttpClient(options.setProtocolVersion(HttpVersion.HTTP_2));
    }

    /** To a gateway that serves plain HTTP. */
    public static GrpcExporter cleartext() {
        return new GrpcExporter(new HttpClientOptions().setHttp2ClearTextUpgrade(false));
    }

    /** To a gateway that serves TLS with a certificate signed by the CA in {@code caPem}. */
    public static GrpcExporter trusting(Path caPem) {
        return new GrpcExporter(new HttpClientOptions().setSsl(true).setUseAlpn(true)
                .setTrustOptions(new PemTrustOptions().addCertPath(caPem.toString())));
    }

    /** A gRPC length-prefixed message: flag 0 (not compressed), 4-byte big-endian length, then the bytes. */
    public static Buffer framed(byte[] message) {
        return Buffer.buffer().appendByte((byte) 0).appendInt(message.length).appendBytes(message);
    }

    /** One export call; {@code tenant} or {@code token} null leaves its metadata out. */
    public Answer export(URL gateway, String tenant, String token, Buffer message) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(gateway.toString().replaceAll("/$", "") + TenantPaths.OTLP_GRPC_EXPORT)
                .putHeader("content-type", "application/grpc").putHeader("te", "trailers");
        if (tenant != null) {
            options.putHeader("x-scope-orgid", tenant);
        }
        if (token != null) {
            options.putHeader("authorization", "Bearer " + token);
        }
        return client.request(options)
                .compose(request -> request.send(message))
                .compose(response -> response.body().map(body ->
                        new Answer(response.statusCode(), response.headers(), response.trailers(), body)))
                .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        vertx.close();
    }
}
