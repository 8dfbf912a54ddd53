package dev.tracegate.provisioner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Every setting of the provisioner's control loop and API (Grafana client settings live in tracegate.grafana). */
@ConfigMapping(prefix = "tracegate.provisioner")
public interface ProvisionerConfig {

    /** Namespaces whose TempoGateways, Secrets, Ingresses and Routes are watched; all namespaces when absent. */
    Optional<List<String>> namespaces();

    /** Every gateway is reconciled this often even without a change, to revert drift made in Grafana. */
    @WithDefault("5m")
    Duration resyncInterval();

    /**
     * How long a deleted TempoGateway waits for Grafana to delete its datasources. Past it the finalizer goes
     * anyway (a CleanupAbandoned Event names what is left in Grafana), so that a Grafana that is gone for good
     * never blocks the deletion of a TempoGateway or its namespace.
     */
    @WithDefault("10m")
    Duration cleanupTimeout();

    /** Threads that run reconciles, and as many that publish documents; one gateway is never reconciled by two at once. */
    @WithDefault("2")
    int workers();

    /**
     * Calls one reconcile makes at once to the API server (tenant Secrets) and to Grafana (one datasource per
     * tenant): a thousand tenants are a thousand calls each, which one at a time cost a round trip each.
     */
    @WithDefault("8")
    int concurrentCalls();

    /** Retry delays after a failed reconcile. */
    Backoff backoff();

    /** Only the holder of a Kubernetes Lease writes; the others serve the API from their caches. */
    LeaderElection leaderElection();

    /** The REST API that gateways pull their configuration from. */
    Api api();

    /** When a changed configuration is published to the gateways. */
    Publish publish();

    interface Backoff {
        /** First retry delay; doubles with each failure in a row. */
        @WithDefault("1s")
        Duration initial();

        /** Longest retry delay. */
        @WithDefault("5m")
        Duration max();
    }

    interface LeaderElection {
        /** false: this replica always writes (a single replica, or tests). */
        @WithDefault("true")
        boolean enabled();

        /** Name of the Lease. */
        @WithDefault("tracegate-provisioner")
        String leaseName();

        /** Namespace of the Lease; the client's namespace (the pod's) when absent. */
        Optional<String> leaseNamespace();

        /** This replica's name in the Lease; the host name (pod name) when absent. */
        Optional<String> identity();

        @WithDefault("15s")
        Duration leaseDuration();

        @WithDefault("10s")
        Duration renewDeadline();

        @WithDefault("2s")
        Duration retryPeriod();
    }

    interface Publish {
        /** A new document is published once its inputs (TempoGateway, Secrets) have not changed for this long. */
        @WithDefault("500ms")
        Duration quietPeriod();

        /** ... and at the latest this long after the first change, however busy they stay. */
        @WithDefault("5s")
        Duration maxDelay();
    }

    interface Api {
        /** Upper bound of a long poll's ?wait=; longer requests are cut to it. */
        @WithDefault("60s")
        Duration maxWait();

        /** Audiences required of callers' tokens in the TokenReview (a projected token's audience); any when absent. */
        Optional<List<String>> tokenAudiences();

        /** How long a successful TokenReview is remembered (by a hash of the token), to spare the API server on polls. */
        @WithDefault("30s")
        Duration tokenReviewCache();

        /** How long a refused token is remembered: repeating it costs no TokenReview (a token that becomes valid waits this long). */
        @WithDefault("10s")
        Duration tokenRefusalCache();

        /** TokenReviews per client address and minute that reach the API server; beyond: 429 with Retry-After. */
        @WithDefault("30")
        int tokenReviewsPerMinute();

        /**
         * How long one TokenReview may wait for the API server, in one try without retries; then the caller gets a
         * 503 and polls again. The Kubernetes client's defaults for its other calls (10 s a try; a refused connection
         * or a 5xx answer retried up to 10 times with backoff) would hold a gateway's poll, and the worker thread that
         * asks, from 10 s to minutes while the API server is down or overloaded.
         */
        @WithDefault("5s")
        Duration tokenReviewTimeout();
    }
}
