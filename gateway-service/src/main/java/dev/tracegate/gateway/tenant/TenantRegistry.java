package dev.tracegate.gateway.tenant;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.ObserverMethod;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;

import dev.tracegate.gateway.config.FileChecks;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.config.HttpUrlSetting;
import dev.tracegate.gateway.config.PublicUrl;
import dev.tracegate.gateway.config.SessionSecret;
import dev.tracegate.tenants.rbac.Authorizer;
import dev.tracegate.tenants.InvalidTenantsException;
import dev.tracegate.tenants.TenantsDocument;
import dev.tracegate.tenants.TenantsDocument.Authentication;
import dev.tracegate.tenants.TenantsParser;
import dev.tracegate.tenants.TenantsValidator;

/**
 * Holds the tenant configuration in force. A new document replaces it only when it is valid as a whole; otherwise
 * the last good configuration keeps serving and the refusal is logged and counted. Created at start-up, whatever
 * the source of tenants, so that a bad {@code tracegate.public-url} or {@code tracegate.session.secret} stops the
 * gateway there: before the sources start, which would otherwise create it first and report the refusal as a tenants
 * document they could not apply.
 */
@ApplicationScoped
@Startup(ObserverMethod.DEFAULT_PRIORITY - 1)
public class TenantRegistry {

    private static final Logger LOG = Logger.getLogger(TenantRegistry.class);

    private final AtomicReference<TenantConfiguration> current = new AtomicReference<>();
    private final TenantsParser parser;
    private final GatewayConfig config;
    private final CaFileTrust caFileTrust;
    private final MeterRegistry meters;
    private final List<Gauge> gauges;
    private final Optional<String> publicUrl;
    private final Optional<String> sessionSecret;
    private volatile boolean lastApplyFailed;
    /** The last document offered, in force or refused, and the issuer CA files it names as they were then. */
    private Offered lastOffered;
    /** The same for the document in force. */
    private Offered inForce;

    private record Offered(String source, String text, boolean expandPlaceholders, Map<String, String> caFiles) {
        Offered withCaFiles(Map<String, String> files) {
            return new Offered(source, text, expandPlaceholders, files);
        }
    }

    public TenantRegistry(GatewayConfig config, CaFileTrust caFileTrust, MeterRegistry meters, FileChecks fileChecks) {
        this.config = config;
        this.caFileTrust = caFileTrust;
        this.meters = meters;
        this.publicUrl = config.publicUrl().map(PublicUrl::validated);
        this.sessionSecret = SessionSecret.validated(config.session().secret());
        this.parser = new TenantsParser(name -> ConfigProvider.getConfig().getOptionalValue(name, String.class));
        if (publicUrl.isEmpty()) {
            LOG.info("No tracegate.public-url: tenants without a redirectURL take the gateway's origin from each "
                    + "request's Host header. Set it everywhere but on a laptop.");
        }
        if (!config.auth().requireAudience()) {
            LOG.warn("tracegate.auth.require-audience=false: bearer tokens are accepted whatever their audience. "
                    + "Use this for the quick start only.");
        }
        gauges = List.of(
                Gauge.builder("tracegate_gateway_tenants", this, r -> r.current().map(c -> c.tenants().size()).orElse(0))
                        .register(meters),
                Gauge.builder("tracegate_gateway_config_last_reload_successful", this, r -> r.lastApplyFailed ? 0 : 1)
                        .register(meters));
        fileChecks.follow("the issuer CA files", this::reapplyIfIssuerCasChanged);
    }

    /**
     * Meters outlive an application in its JVM (dev mode's live reload, tests that start several): a gauge left
     * behind would read this registry once it is gone, and the next one's gauge of the same name would be ignored.
     */
    @PreDestroy
    void removeGauges() {
        gauges.forEach(meters::remove);
    }

    public Optional<TenantConfiguration> current() {
        return Optional.ofNullable(current.get());
    }

    /**
     * Validates a tenants document and, when it is valid, makes it the one in force.
     *
     * @param source where it came from, for logs (a file path or the provisioner's URL)
     * @param expandPlaceholders whether {@code ${name}} placeholders are resolved from the gateway's configuration
     * @throws InvalidTenantsException naming each bad field; the configuration in force is kept
     */
    public synchronized TenantConfiguration apply(String source, String text, boolean expandPlaceholders)
            throws InvalidTenantsException {
        return offer(new Offered(source, text, expandPlaceholders, Map.of()), true);
    }

    /** @param latest whether the document is the latest offered (not the one in force offered again) */
    private TenantConfiguration offer(Offered offered, boolean latest) throws InvalidTenantsException {
        String source = offered.source();
        Map<String, String> caFiles = Map.of();
        try {
            TenantsDocument document = (offered.expandPlaceholders() ? parser : new TenantsParser(null)).parse(offered.text());
            caFiles = issuerCaFingerprints(document);
            TenantsValidator.validate(document);
            TenantConfiguration next = build(document, source, version(offered.text()));
            current.set(next);
            inForce = offered.withCaFiles(caFiles);
            lastApplyFailed = false;
            meters.counter("tracegate_gateway_config_reloads_total", "result", "success").increment();
            LOG.infof("Serving %d tenant(s) %s from %s (version %s)", next.tenants().size(), next.tenants().keySet(),
                    source, next.version());
            return next;
        } catch (InvalidTenantsException e) {
            lastApplyFailed = true;
            meters.counter("tracegate_gateway_config_reloads_total", "result", "failure").increment();
            TenantConfiguration kept = current.get();
            LOG.errorf("Refused the tenants document from %s: %s. %s", source, e.getMessage(),
                    kept == null ? "No tenants are served until a valid document arrives."
                            : "Still serving version " + kept.version() + " from " + kept.source() + ".");
            throw e;
        } finally {
            if (latest) {
                lastOffered = offered.withCaFiles(caFiles);
            }
        }
    }

    /**
     * Offers a document again when an issuer CA file it names has changed since, without a new document (a file
     * source sees no change in the document itself, the provisioner answers "not modified"): first the latest one,
     * so that a document refused because its CA file was not there yet is taken once the file is; then, if the
     * latest is refused and is not the one in force, the one in force, so that its tenants trust a CA renewed in
     * place meanwhile.
     */
    public synchronized void reapplyIfIssuerCasChanged() {
        Offered latest = lastOffered;
        if (latest != null && caFilesChanged(latest)) {
            LOG.infof("An issuer CA file of the tenants document from %s changed: applying the document again",
                    latest.source());
            try {
                offer(latest, true);
                return;
            } catch (InvalidTenantsException e) {
                // Logged and counted by offer; the one in force may still need its own CA read again.
            }
        }
        Offered served = inForce;
        if (served != null && (latest == null || !served.text().equals(latest.text())) && caFilesChanged(served)) {
            LOG.infof("An issuer CA file of the tenants in force changed: applying their document from %s again",
                    served.source());
            try {
                offer(served, false);
            } catch (InvalidTenantsException e) {
                // Logged and counted by offer; the configuration in force stays as it was.
                inForce = served.withCaFiles(fingerprints(served.caFiles().keySet()));
            }
        }
    }

    private static boolean caFilesChanged(Offered offered) {
        return !offered.caFiles().equals(fingerprints(offered.caFiles().keySet()));
    }

    private static Map<String, String> fingerprints(Set<String> paths) {
        Map<String, String> files = new HashMap<>();
        paths.forEach(path -> files.put(path, CaFileTrust.fingerprint(path)));
        return files;
    }

    private static Map<String, String> issuerCaFingerprints(TenantsDocument document) {
        Set<String> paths = new HashSet<>();
        if (document.tenants() != null && document.tenants().authentication() != null) {
            for (Authentication a : document.tenants().authentication()) {
                if (a != null && a.oidc() != null && a.oidc().issuerCAPath() != null && !a.oidc().issuerCAPath().isBlank()) {
                    paths.add(a.oidc().issuerCAPath());
                }
            }
        }
        return fingerprints(paths);
    }

    private TenantConfiguration build(TenantsDocument document, String source, String version)
            throws InvalidTenantsException {
        TenantConfiguration previous = current.get();
        Map<String, Tenant> tenants = new LinkedHashMap<>();
        for (int i = 0; i < document.tenants().authentication().size(); i++) {
            Authentication a = document.tenants().authentication().get(i);
            Optional<String> tls;
            try {
                tls = caFileTrust.register(a.tenantName(), a.oidc().issuerCAPath());
            } catch (IllegalArgumentException e) {
                throw new InvalidTenantsException(
                        "tenants.authentication[" + i + "].oidc.issuerCAPath: " + e.getMessage());
            }
            Tenant before = previous == null ? null : previous.tenants().get(a.tenantName());
            if (before != null && before.oidc().equals(a.oidc())
                    && before.oidcConfig().tls().tlsConfigurationName().equals(tls)) {
                // Same OIDC settings and CA (its name carries the file's hash): keep the same quarkus-oidc config
                // object, so its issuer connection is reused.
                tenants.put(a.tenantName(), new Tenant(a.tenantName(), a.tenantId(), a.oidc(), before.oidcConfig()));
                continue;
            }
            tenants.put(a.tenantName(), new Tenant(a.tenantName(), a.tenantId(), a.oidc(),
                    TenantOidcConfigs.build(a.tenantName(), a.oidc(), tls, sessionSecret,
                            config.auth().requireAudience(), config.auth().jwksRefreshInterval(), publicUrl)));
        }
        var authorization = document.tenants().authorization();
        Authorizer authorizer = new Authorizer(
                authorization.roles() == null ? List.of() : authorization.roles(),
                authorization.roleBindings() == null ? List.of() : authorization.roleBindings());
        var upstream = document.upstream();
        return new TenantConfiguration(java.util.Collections.unmodifiableMap(tenants), authorizer,
                upstream == null ? null : baseUri(upstream.queryFrontend()), upstream == null ? null : baseUri(upstream.distributor()),
                version, source, Instant.now());
    }

    private static URI baseUri(String url) {
        return url == null ? null : HttpUrlSetting.baseUri(url);
    }

    /** A short content hash: the same document always has the same version, in logs and metrics. */
    static String version(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
