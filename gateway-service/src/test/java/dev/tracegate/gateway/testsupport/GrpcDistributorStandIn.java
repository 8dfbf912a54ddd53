package dev.tracegate.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PfxOptions;

import dev.tracegate.testsupport.LoopbackCertificate;

/**
 * Tempo's distributor as an OTLP gRPC receiver: an HTTP/2 server on 127.0.0.1 that records the last call and answers
 * like a gRPC server, an empty {@code ExportTraceServiceResponse} then the {@code grpc-status: 0} trailer; a call
 * without {@code x-scope-orgid} is refused as Tempo refuses it, {@code grpc-status: 16} (UNAUTHENTICATED) with
 * {@code grpc-message: no org id}. Cleartext
 * with prior knowledge, or with the init argument {@code tls=true} over TLS with a certificate of its own, offering
 * only {@code h2} by ALPN and closing a connection that speaks HTTP/1.1, as grpc-go's server does. Config:
 * {@code tracegate.upstream.distributor-grpc}, and with TLS {@code tracegate.upstream.ca-file}. With {@code trust=later}
 * beside {@code tls=true}, that file first holds another CA's certificate, until {@link #renewTheCaFile()} puts the
 * stand-in's there, as Kubernetes swaps a mounted Secret's files; the file is then checked every 200 ms.
 */
public class GrpcDistributorStandIn implements QuarkusTestResourceLifecycleManager {

    /** What the last call brought: HTTP version, path, headers (metadata) and the framed message. */
    public record Call(HttpVersion version, String path, MultiMap headers, Buffer body) {
    }

    private static volatile Call last;
    /** Connections accepted so far, and those still open: to show a call went over a connection opened after a change. */
    private static final AtomicInteger accepted = new AtomicInteger();
    private static final Set<HttpConnection> open = ConcurrentHashMap.newKeySet();
    private static volatile Path caFile;
    private static volatile Path trustedCa;
    private Vertx vertx;
    private boolean tls;
    private boolean trustLater;

    @Override
    public void init(Map<String, String> initArgs) {
        tls = Boolean.parseBoolean(initArgs.get("tls"));
        trustLater = "later".equals(initArgs.get("trust"));
    }

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        Map<String, String> config = new HashMap<>();
        HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(true);
        if (tls) {
            LoopbackCertificate certificate = LoopbackCertificate.create(Path.of("target", "grpc-distributor"), "distributor");
            options.setSsl(true).setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2))
                    .setKeyCertOptions(new PfxOptions().setPath(certificate.keystore().toString())
                            .setPassword(certificate.password()));
            trustedCa = certificate.certificatePem();
            caFile = trustedCa;
            if (trustLater) {
                Path dir = Path.of("target", "grpc-distributor-renewal");
                caFile = dir.resolve("ca.crt");
                copyAtomically(LoopbackCertificate.create(dir, "another-ca").certificatePem(), caFile);
                config.put("tracegate.tenants.file-check-interval", "200ms");
            }
            config.put("tracegate.upstream.ca-file", caFile.toString());
        }
        try {
            int port = vertx.createHttpServer(options)
                    .connectionHandler(connection -> {
                        accepted.incrementAndGet();
                        open.add(connection);
                        connection.closeHandler(closed -> open.remove(connection));
                    })
                    .requestHandler(request -> request.body().onSuccess(body -> {
                        if (request.version() != HttpVersion.HTTP_2) {
                            request.connection().close(); // gRPC is HTTP/2 only
                            return;
                        }
                        last = new Call(request.version(), request.path(),
                                MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body);
                        if (request.getHeader("x-scope-orgid") == null) {
                            // Tempo's distributor takes no push without a tenant: a trailers-only refusal.
                            request.response()
                                    .putHeader("content-type", "application/grpc")
                                    .putHeader("grpc-status", "16")
                                    .putHeader("grpc-message", "no org id")
                                    .end();
                            return;
                        }
                        request.response()
                                .putHeader("content-type", "application/grpc")
                                .write(Buffer.buffer(new byte[] { 0, 0, 0, 0, 0 }));
                        request.response().trailers().add("grpc-status", "0");
                        request.response().end();
                    }))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
                    .actualPort();
            config.put("tracegate.upstream.distributor-grpc", (tls ? "https://" : "") + "127.0.0.1:" + port);
            return config;
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the gRPC distributor stand-in", e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    /** Puts the stand-in's own certificate in the gateway's {@code tracegate.upstream.ca-file}. */
    public static void renewTheCaFile() {
        copyAtomically(trustedCa, caFile);
    }

    private static void copyAtomically(Path from, Path to) {
        try {
            Path next = Files.copy(from, to.resolveSibling(to.getFileName() + ".next"), StandardCopyOption.REPLACE_EXISTING);
            Files.move(next, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Puts what is not a PEM certificate file in the gateway's {@code tracegate.upstream.ca-file}, as a Secret's file
     * half written by hand would be.
     */
    public static void spoilTheCaFile() {
        try {
            Path next = Files.writeString(caFile.resolveSibling(caFile.getFileName() + ".next"), "not a certificate\n");
            Files.move(next, caFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes every open connection, as a distributor that restarts does: the gateway's next call needs a new one. */
    public static void closeConnections() {
        open.forEach(HttpConnection::close);
    }

    /** Connections accepted since the stand-in started. */
    public static int connectionsAccepted() {
        return accepted.get();
    }

    public static Call lastCall() {
        return last;
    }

    public static void clear() {
        last = null;
    }
}
