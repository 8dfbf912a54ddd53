package dev.tracegate.gateway.tenant;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.rest.client.reactive.QuarkusRestClientBuilder;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.tls.TlsConfiguration;
import io.vertx.core.Vertx;

import dev.tracegate.gateway.config.BadSetting;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.HttpUrlSetting;
import dev.tracegate.tenants.InvalidTenantsException;

/**
 * Pulls the tenants document from the provisioner ({@code tracegate.tenants.provisioner.*}): a long-poll loop with
 * {@code ETag}/{@code If-None-Match}, authenticated by the pod's projected service-account token (re-read for every
 * call, since the kubelet rotates it). While the provisioner is away, the last good tenants keep serving, and the
 * gateway asks again after a growing, jittered pause ({@link RetryBackoff}), never sooner than a {@code Retry-After}.
 */
@ApplicationScoped
public class ProvisionerSource {

    private static final Logger LOG = Logger.getLogger(ProvisionerSource.class);
    private static final String URL_KEY = "tracegate.tenants.provisioner.url";
    private static final String GATEWAY_KEY = "tracegate.tenants.provisioner.gateway";
    private static final String CA_FILE_KEY = "tracegate.tenants.provisioner.ca-file";
    /** Polls start at most this often when the provisioner answers a long poll at once (one that ignores the wait). */
    private static final long MIN_POLL_SPACING_MILLIS = 1000;

    private final GatewayConfig config;
    private final TenantRegistry registry;
    private final Vertx vertx;
    private final MeterRegistry meters;
    private final CaFileTrust caFileTrust;
    private URI url;
    /** What {@link #api} trusts: the CA file's TLS configuration, or null for the JVM's CAs. */
    private TlsConfiguration trust;
    private ProvisionerApi api;
    private String namespace;
    private String name;
    private String etag;
    private String lastProblem;
    private RetryBackoff backoff;
    private long pollStarted;
    private volatile boolean stopped;

    public ProvisionerSource(GatewayConfig config, TenantRegistry registry, Vertx vertx, MeterRegistry meters,
            CaFileTrust caFileTrust) {
        this.config = config;
        this.registry = registry;
        this.vertx = vertx;
        this.meters = meters;
        this.caFileTrust = caFileTrust;
    }

    void start(@Observes StartupEvent event) {
        GatewayConfig.Provisioner p = config.tenants().provisioner();
        if (p.url().isEmpty()) {
            return;
        }
        if (config.tenants().file().isPresent()) {
            throw BadSetting.refused(URL_KEY, "set together with tracegate.tenants.file: choose one source of tenants");
        }
        URI url = HttpUrlSetting.validated(URL_KEY, p.url().get());
        String gateway = p.gateway().orElseThrow(
                () -> BadSetting.refused(GATEWAY_KEY, "required with the provisioner URL (namespace/name)"));
        String[] parts = gateway.split("/");
        if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
            throw BadSetting.refused(GATEWAY_KEY, "must be namespace/name, the TempoGateway this gateway serves");
        }
        namespace = parts[0];
        name = parts[1];
        backoff = new RetryBackoff(p.retryInterval(), p.maxRetryInterval(), new SplittableRandom());
        if (p.caFile().isPresent() && !"https".equalsIgnoreCase(url.getScheme())) {
            // The service-account token would still cross the network in the clear: say so rather than ignore it.
            throw BadSetting.refused(CA_FILE_KEY, "set with an http:// provisioner URL; use https://");
        }
        this.url = url;
        try {
            api = client(p.caFile().map(caFileTrust::provisionerTrust).orElse(null));
        } catch (IllegalArgumentException e) {
            throw BadSetting.refused(CA_FILE_KEY, e.getMessage());
        }
        LOG.infof("Reading tenants of TempoGateway %s/%s from %s", namespace, name, p.url().get());
        poll();
    }

    /** A client of the provisioner's API that trusts {@code trust}'s CAs, or the JVM's when null. */
    private ProvisionerApi client(TlsConfiguration trust) {
        GatewayConfig.Provisioner p = config.tenants().provisioner();
        QuarkusRestClientBuilder client = QuarkusRestClientBuilder.newBuilder()
                .baseUri(url)
                .connectTimeout(5, TimeUnit.SECONDS)
                // A long poll answers after up to `wait`; allow that plus time for the answer itself.
                .readTimeout(p.longPoll().plusSeconds(15).toMillis(), TimeUnit.MILLISECONDS);
        if (trust != null) {
            client.tlsConfiguration(trust);
        }
        this.trust = trust;
        return client.build(ProvisionerApi.class);
    }

    /**
     * After a failed TLS handshake: reads the CA file again and, when it changed (cert-manager renewed the CA and the
     * kubelet updated the mounted Secret), asks through a new client that trusts the new content. An unreadable file
     * keeps the client as it is.
     *
     * @return what is wrong with the file, or null
     */
    private String rereadCaFile() {
        Optional<String> caFile = config.tenants().provisioner().caFile();
        if (caFile.isEmpty()) {
            return null;
        }
        TlsConfiguration now;
        try {
            now = caFileTrust.provisionerTrust(caFile.get());
        } catch (IllegalArgumentException e) {
            return CA_FILE_KEY + ": " + e.getMessage() + "; still trusting what it held before";
        }
        if (now != trust) {
            LOG.infof("%s changed: asking the provisioner again, trusting its new content", CA_FILE_KEY);
            ProvisionerApi before = api;
            api = client(now);
            if (before instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    LOG.debugf("closing the previous provisioner client: %s", e);
                }
            }
        }
        return null;
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
    }

    private void poll() {
        if (stopped) {
            return;
        }
        GatewayConfig.Provisioner p = config.tenants().provisioner();
        // Read on a worker thread: polls run on an event loop, which a file read (however small) would block.
        vertx.fileSystem().readFile(p.tokenFile()).onComplete(token -> {
            if (token.failed()) {
                problem("cannot read the service-account token file " + p.tokenFile());
                retryLater(-1);
                return;
            }
            ask("Bearer " + token.result().toString(StandardCharsets.UTF_8).trim());
        });
    }

    private void ask(String authorization) {
        GatewayConfig.Provisioner p = config.tenants().provisioner();
        // Long-poll only once we hold a document: the first one should come at once. In whole milliseconds, as
        // SettingRanges counts it; every provisioner reads "<n>ms" (and caps it at its api.max-wait).
        String wait = etag == null ? null : p.longPoll().toMillis() + "ms";
        pollStarted = System.nanoTime();
        api.config(namespace, name, wait, authorization, etag).subscribe().with(this::onAnswer, failure -> {
            if (failure instanceof WebApplicationException web) {
                onAnswer(web.getResponse());
                return;
            }
            count("error");
            if (!(failure instanceof SSLException)) {
                problem("provisioner unreachable (" + failure.getClass().getSimpleName() + ")");
                retryLater(-1);
                return;
            }
            // The CA file is read again on a worker thread, for the same reason as the token.
            vertx.executeBlocking(() -> tlsProblem(failure), false).onComplete(told -> {
                problem(told.succeeded() ? told.result() : "TLS with the provisioner failed ("
                        + failure.getClass().getSimpleName() + ")");
                retryLater(-1);
            });
        });
    }

    /** A failed handshake: the CA file read again, and what is wrong with it or what to check. */
    private String tlsProblem(Throwable failure) {
        String caFileProblem = rereadCaFile();
        String trusted = config.tenants().provisioner().caFile().isPresent() ? CA_FILE_KEY : "the JVM";
        return caFileProblem != null ? caFileProblem : "TLS with the provisioner failed ("
                + failure.getClass().getSimpleName() + "): is its certificate issued by a CA of " + trusted
                + " for the URL's host?";
    }

    private void onAnswer(Response response) {
        int status = response.getStatus();
        count(Integer.toString(status));
        if (status == 304) {
            lastProblem = null;
            backoff.succeeded();
            long spacing = Math.min(MIN_POLL_SPACING_MILLIS, config.tenants().provisioner().longPoll().toMillis());
            pollIn(spacing - (System.nanoTime() - pollStarted) / 1_000_000);
            return;
        }
        if (status != 200) {
            String body = response.hasEntity() ? response.readEntity(String.class) : "";
            problem("provisioner answered " + status + " " + body.replaceAll("\\s+", " "));
            retryLater(RetryBackoff.retryAfterMillis(response.getHeaderString("Retry-After"), Instant.now()));
            return;
        }
        String document = response.readEntity(String.class);
        String newEtag = response.getHeaderString("ETag");
        vertx.executeBlocking(() -> {
            try {
                registry.apply("provisioner " + namespace + "/" + name, document, false);
            } catch (InvalidTenantsException e) {
                // Logged and counted by the registry; wait for the next version instead of retrying this one.
            }
            return null;
        }, false).onComplete(done -> {
            etag = newEtag;
            backoff.succeeded();
            if (newEtag == null) {
                // Nothing to long-poll on: every ask would be answered at once with the whole document.
                problem("the provisioner's answer carries no ETag; asking again every "
                        + config.tenants().provisioner().retryInterval().toMillis() + "ms");
                pollIn(config.tenants().provisioner().retryInterval().toMillis());
                return;
            }
            lastProblem = null;
            poll();
        });
    }

    /** @param retryAfterMillis the provisioner's {@code Retry-After}, or negative without one */
    private void retryLater(long retryAfterMillis) {
        pollIn(backoff.nextWaitMillis(retryAfterMillis));
    }

    private void pollIn(long millis) {
        if (stopped) {
            return;
        }
        if (millis < 1) {
            poll();
        } else {
            vertx.setTimer(millis, id -> poll());
        }
    }

    /** Logs a problem once, not on every retry. */
    private void problem(String message) {
        if (!message.equals(lastProblem)) {
            LOG.warnf("Tenants from provisioner %s/%s: %s; %s", namespace, name, message,
                    registry.current().isPresent() ? "keeping the tenants in force" : "no tenants yet");
            lastProblem = message;
        }
    }

    private void count(String status) {
        meters.counter("tracegate_gateway_provisioner_fetches_total", "status", status).increment();
    }
}
