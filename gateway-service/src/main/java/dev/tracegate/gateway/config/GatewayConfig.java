package dev.tracegate.gateway.config;

import java.time.Duration;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/**
 * Every {@code tracegate.*} setting of the gateway. The key names are a contract with deployments
 * (ARCHITECTURE.md, "Configuration keys"): add new ones, never rename.
 */
@ConfigMapping(prefix = "tracegate")
public interface GatewayConfig {

    /**
     * The gateway's external base URL as browsers and Grafana reach it, e.g. {@code https://tempo.example.com}
     * (checked at start-up by {@link PublicUrl}). A tenant without a redirectURL signs in with
     * {@code <public-url>/oidc/<tenant>/callback}, and cookie-authenticated writes must come from its origin. Without
     * it the request's scheme and Host, which a client chooses, decide both: for a laptop only.
     */
    Optional<String> publicUrl();

    Tenants tenants();

    Upstream upstream();

    Limits limits();

    Session session();

    Auth auth();

    Cleartext cleartext();

    /** The public port without TLS ({@code quarkus.http.port}). */
    interface Cleartext {
        /**
         * Whether the cleartext port speaks HTTP/2 with prior knowledge (h2c) beside HTTP/1.1: what OTLP gRPC
         * exporters without TLS need. With it, Vert.x tells the two apart only after a connection's first request
         * head, so {@code quarkus.http.limits.max-connections} does not count a connection that trickles its head,
         * and such connections are bounded by nothing but memory (kubernetes/README.md, "Slow clients"). Set false
         * where no client pushes OTLP gRPC without TLS: each connection then counts from its accept. HTTP/2 over TLS
         * (ALPN) is not affected.
         */
        @WithDefault("true")
        boolean http2();
    }

    interface Tenants {
        /** Path of the tenants document (TempoStack {@code spec.tenants} shape); re-read when it changes. */
        Optional<String> file();

        /**
         * How often the file, the tenants' issuer CA files in either mode and {@code tracegate.upstream.ca-file} are
         * checked for changes (config.FileChecks).
         */
        @WithDefault("2s")
        Duration fileCheckInterval();

        /** Pull the tenants document from the provisioner instead of a file. */
        Provisioner provisioner();
    }

    interface Provisioner {
        /**
         * Base URL of the provisioner, e.g. {@code https://tracegate-provisioner:8080} (kubernetes/components/
         * provisioner-tls) or {@code http://tracegate-provisioner:8080}.
         */
        Optional<String> url();

        /**
         * PEM file of the CA certificates that an {@code https} provisioner URL is trusted by, instead of the JVM's
         * CAs (in Kubernetes: the {@code ca.crt} of the provisioner's certificate Secret). The host name is verified.
         * Read again after a failed handshake, so that a renewed CA is trusted without a restart.
         */
        Optional<String> caFile();

        /** The TempoGateway this gateway serves, as {@code namespace/name}. */
        Optional<String> gateway();

        /** The projected service-account token the provisioner checks with a TokenReview. */
        @WithDefault("/var/run/secrets/kubernetes.io/serviceaccount/token")
        String tokenFile();

        /**
         * How long one long-poll for a changed document waits at the provisioner (sent in whole milliseconds; the
         * provisioner cuts it to its {@code api.max-wait}).
         */
        @WithName("wait")
        @WithDefault("30s")
        Duration longPoll();

        /**
         * Pause before asking again after the provisioner failed to answer; it doubles with each failure in a row, up
         * to {@link #maxRetryInterval()}, and each pause is drawn from the upper half of that span.
         */
        @WithDefault("5s")
        Duration retryInterval();

        /** The longest pause between two asks while the provisioner fails, also when its {@code Retry-After} is longer. */
        @WithDefault("1m")
        Duration maxRetryInterval();
    }

    interface Upstream {
        /** Tempo query-frontend base URL: the read path. */
        @WithDefault("http://localhost:3200")
        String queryFrontend();

        /** Tempo distributor OTLP/HTTP base URL: the write path. */
        @WithDefault("http://localhost:4318")
        String distributor();

        /**
         * Tempo distributor OTLP gRPC address, for OTLP gRPC exports (HTTP/2 on the public port): {@code host:port}
         * (cleartext HTTP/2) or {@code https://host:port} (HTTP/2 over TLS, negotiated by ALPN, as gRPC requires).
         */
        @WithDefault("localhost:4317")
        String distributorGrpc();

        /**
         * PEM file of the CA certificates that Tempo's {@code https} URLs are trusted by, instead of the JVM's CAs
         * (in Kubernetes: the CA of Tempo's serving certificates). The host name is verified. Unreadable at start: the
         * start is refused. Checked every {@code tracegate.tenants.file-check-interval}: a renewed CA is trusted for new
         * connections without a restart; a file that turns unreadable leaves the CAs read before in force.
         */
        Optional<String> caFile();

        /**
         * Longest time an exchange with Tempo may go without a byte either way: 504 before Tempo's headers, the
         * client's connection cut after them (proxy.UpstreamDeadlines). Shorter than {@code quarkus.http.idle-timeout}
         * (config.SettingRanges), which would otherwise close the client's connection first, without a word.
         */
        @WithDefault("60s")
        Duration timeout();

        /** Longest wait for a connection to Tempo (a new one, or a pooled one when all are busy) before answering 504. */
        @WithDefault("5s")
        Duration connectTimeout();

        /** Pooled keep-alive connections per upstream and event loop. */
        @WithDefault("64")
        int maxConnections();
    }

    interface Limits {
        /** Largest request body accepted (413 beyond), counted as it streams, with or without Content-Length. */
        @WithDefault("20M")
        MemorySize maxBodySize();

        /** Requests each tenant may make per second through one gateway replica (429 beyond); 0: no limit. */
        @WithDefault("0")
        double requestsPerSecond();

        /** Requests a tenant may make at once above the rate; 0: the rate rounded up. */
        @WithDefault("0")
        int burst();

        /**
         * Requests each tenant may have in flight at once through one gateway replica, from authorization to the
         * end of the answer (429 beyond); 0: no limit. Below {@code upstream.max-connections} times the event loops,
         * no one tenant can take every pooled connection to Tempo.
         */
        @WithDefault("0")
        int concurrentRequests();
    }

    interface Auth {
        /**
         * Whether a bearer token's {@code aud} must name the tenant's client id (or one of its extra audiences).
         * Only the quick start turns this off, for the Dev Services OIDC server whose access tokens carry no
         * {@code aud}; in production a token issued to another client of the same issuer would then pass.
         */
        @WithDefault("true")
        boolean requireAudience();

        /**
         * How many verified bearer tokens are remembered until they expire; 0 verifies every request. Each costs its
         * length and more in heap, twice over while the cache turns over (Serial GC keeps the old copies until a full
         * collection): 10,000 held the gateway 15-20 MiB above 2,000 after a load of many tokens (bench/README.md).
         * 2,000 distinct callers' tokens within {@code token-cache-max-age} is more than a replica usually sees.
         */
        @WithDefault("2000")
        int tokenCacheSize();

        /** The longest a verified token is remembered, even if it expires later. */
        @WithDefault("5m")
        Duration tokenCacheMaxAge();

        /**
         * The least time between two fetches of a tenant's JWKS that tokens with a key id the gateway does not hold
         * make it do (quarkus-oidc's forced JWK refresh; 10 minutes unless set). Anyone can send a token with a made-up
         * key id, so the interval is also the longest a real new signing key of the issuer can be refused after such
         * a token; each interval costs the issuer at most one JWKS fetch per tenant and replica.
         */
        @WithDefault("30s")
        Duration jwksRefreshInterval();
    }

    interface Session {
        /**
         * Key that encrypts browser session cookies and the sign-in's state, for every tenant. Unset, quarkus-oidc
         * derives a tenant's session key from its client secret (the state's from one of 32+ characters) and
         * generates a random key per replica only where there is none: replicas of a tenant share the key, but
         * whoever holds the client secret (Grafana's admins, when it is Grafana's OAuth client) could decrypt a
         * captured session cookie. Set it (32+ characters), as the production overlay does.
         */
        Optional<String> secret();
    }
}
