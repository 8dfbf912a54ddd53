package dev.tracegate.gateway.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PfxOptions;

import dev.tracegate.testsupport.LoopbackCertificate;

/**
 * The provisioner's config endpoint as a gateway sees it, for {@code @QuarkusTest}s: {@code GET
 * /api/v1/gateways/observability/tempo-foo/config} answers {@link #DOCUMENT} with {@link #ETAG}, or, when
 * {@code If-None-Match} names it, 304 after the {@code wait} asked for (as the provisioner would with no change; at
 * most 2 s, so that a test ends quickly), unless a test made it answer otherwise ({@link #answerWith}). Every
 * request is recorded ({@link #polls()}, {@link #pollTimes()}). Config:
 * {@code tracegate.tenants.provisioner.url}, {@code .gateway} and {@code .token-file} (a file holding
 * {@link #TOKEN}); the test profile unsets {@code tracegate.tenants.file}.
 *
 * <p>With the init argument {@code tls=true} it speaks only HTTPS, with a self-signed certificate for 127.0.0.1, and
 * gives its certificate as {@code tracegate.tenants.provisioner.ca-file}; with {@code trusted=impostor} as well, the
 * CA file it gives is another certificate's, so the gateway must refuse the server's; with
 * {@code certificate-name=dns:elsewhere.example}, its certificate (still the CA file) names another host than the URL's.
 */
public class ProvisionerStandIn implements QuarkusTestResourceLifecycleManager {

    public static final String ETAG = "\"v1\"";
    public static final String TOKEN = "stand-in-service-account-token";
    /** One tenant, team-a, whose issuer is never contacted by the tests that use this stand-in. */
    public static final String DOCUMENT = """
            {"tenants": {"mode": "static",
              "authentication": [{"tenantName": "team-a", "tenantId": "team-a-org",
                "oidc": {"issuerURL": "http://127.0.0.1:9/realms/team-a", "clientID": "tracegate-a"}}],
              "authorization": {
                "roles": [{"name": "read", "resources": ["traces"], "tenants": ["team-a"], "permissions": ["read"]}],
                "roleBindings": [{"name": "team", "roles": ["read"], "subjects": [{"kind": "group", "name": "team-a"}]}]}}}
            """;
    private static final String PATH = "/api/v1/gateways/observability/tempo-foo/config";
    private static final long LONGEST_HOLD_MS = 2000;

    /** One request of the gateway: its raw {@code wait} query parameter, its If-None-Match, whether it sent the token. */
    public record Poll(String waitParameter, String ifNoneMatch, boolean withToken) {
    }

    private static final List<Poll> POLLS = new CopyOnWriteArrayList<>();
    private static final List<Long> POLL_TIMES = new CopyOnWriteArrayList<>();

    /** An answer a test sets for every request from now on: status, headers, body. */
    public record Answer(int status, Map<String, String> headers, String body) {
    }

    private static volatile Answer fixed;

    private static volatile Path serverCertificate;

    private Vertx vertx;
    private boolean tls;
    private boolean impostor;
    private String subjectAlternativeName;

    @Override
    public void init(Map<String, String> initArgs) {
        tls = Boolean.parseBoolean(initArgs.get("tls"));
        impostor = "impostor".equals(initArgs.get("trusted"));
        subjectAlternativeName = initArgs.getOrDefault("certificate-name", "ip:127.0.0.1");
    }

    /** With {@code tls=true}: the PEM of the certificate this stand-in serves, its own CA. */
    public static Path serverCertificate() {
        return serverCertificate;
    }

    /** The requests the gateway made, in order. */
    public static List<Poll> polls() {
        return List.copyOf(POLLS);
    }

    /** When each request came ({@link System#nanoTime()}), in the order of {@link #polls()}. */
    public static List<Long> pollTimes() {
        return List.copyOf(POLL_TIMES);
    }

    /** Every request from now on gets this answer, at once; {@code null} goes back to the document and its ETag. */
    public static void answerWith(Answer answer) {
        fixed = answer;
    }

    @Override
    public Map<String, String> start() {
        POLLS.clear();
        POLL_TIMES.clear();
        fixed = null;
        try {
            Path token = Files.createDirectories(Path.of("target", "provisioner-stand-in")).resolve("token");
            Files.writeString(token, TOKEN + "\n");
            vertx = Vertx.vertx();
            HttpServerOptions options = new HttpServerOptions();
            Map<String, String> config = new HashMap<>();
            if (tls) {
                Path dir = Path.of("target", "provisioner-stand-in");
                LoopbackCertificate certificate = LoopbackCertificate.create(dir, "provisioner", subjectAlternativeName);
                options.setSsl(true).setKeyCertOptions(new PfxOptions().setPath(certificate.keystore().toString())
                        .setPassword(certificate.password()));
                serverCertificate = certificate.certificatePem();
                LoopbackCertificate trusted = impostor ? LoopbackCertificate.create(dir, "impostor") : certificate;
                config.put("tracegate.tenants.provisioner.ca-file", trusted.certificatePem().toString());
            }
            int port = vertx.createHttpServer(options).requestHandler(ProvisionerStandIn::answer)
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
                    .actualPort();
            config.put("tracegate.tenants.provisioner.url", (tls ? "https" : "http") + "://127.0.0.1:" + port);
            config.put("tracegate.tenants.provisioner.gateway", "observability/tempo-foo");
            config.put("tracegate.tenants.provisioner.token-file", token.toString());
            return config;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("the provisioner stand-in did not start", e);
        }
    }

    private static void answer(HttpServerRequest request) {
        if (!request.path().equals(PATH)) {
            request.response().setStatusCode(404).end();
            return;
        }
        String wait = request.getParam("wait");
        String ifNoneMatch = request.getHeader("If-None-Match");
        POLL_TIMES.add(System.nanoTime());
        POLLS.add(new Poll(wait, ifNoneMatch, ("Bearer " + TOKEN).equals(request.getHeader("Authorization"))));
        Answer answer = fixed;
        if (answer != null) {
            answer.headers().forEach(request.response()::putHeader);
            request.response().setStatusCode(answer.status()).end(answer.body());
            return;
        }
        if (!ETAG.equals(ifNoneMatch)) {
            request.response().putHeader("Content-Type", "application/json").putHeader("ETag", ETAG).end(DOCUMENT);
            return;
        }
        long hold = wait != null && wait.matches("[0-9]+ms") ? Math.min(Long.parseLong(wait.replace("ms", "")), LONGEST_HOLD_MS)
                : LONGEST_HOLD_MS;
        Vertx.currentContext().owner().setTimer(Math.max(1, hold),
                id -> request.response().setStatusCode(304).putHeader("ETag", ETAG).end());
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
        }
    }
}
