package bench;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * The Tempo distributor's OTLP gRPC endpoint for bench/run.sh: prior-knowledge HTTP/2 on 127.0.0.1, TraceService/Export
 * read whole and answered with an empty ExportTraceServiceResponse and {@code grpc-status: 0}. Like the HTTP stand-in,
 * it refuses a call without the tenant's org id (401) or with client credentials (400), so every answer counted proves
 * the proxy forwarded correctly. System properties: {@code port}, {@code tenant.id}.
 */
public final class GrpcStandIn {
    private static final String EXPORT = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    private static final Buffer EMPTY_MESSAGE = Buffer.buffer(new byte[5]); // uncompressed, length 0

    private GrpcStandIn() {
    }

    public static void main(String[] args) {
        int port = Integer.getInteger("port", 18488);
        String tenantId = System.getProperty("tenant.id", "bench-org");
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port))
                .requestHandler(request -> {
                    if (!EXPORT.equals(request.path())) {
                        request.response().setStatusCode(404).end();
                    } else if (!tenantId.equals(request.getHeader("x-scope-orgid"))) {
                        request.response().setStatusCode(401).end();
                    } else if (request.getHeader("authorization") != null) {
                        request.response().setStatusCode(400).end();
                    } else {
                        request.body().onSuccess(body -> request.response()
                                .putHeader("content-type", "application/grpc")
                                .putTrailer("grpc-status", "0")
                                .end(EMPTY_MESSAGE));
                    }
                })
                .listen()
                .onSuccess(s -> System.out.printf("OTLP gRPC stand-in on 127.0.0.1:%d%n", port))
                .onFailure(e -> {
                    e.printStackTrace();
                    System.exit(1);
                });
    }
}
