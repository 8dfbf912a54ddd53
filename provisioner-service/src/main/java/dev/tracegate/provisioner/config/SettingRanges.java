package dev.tracegate.provisioner.config;

import dev.tracegate.provisioner.grafana.DatasourceOwner;
import dev.tracegate.provisioner.grafana.GrafanaConfig;
import dev.tracegate.provisioner.grafana.GrafanaUrlAllowList;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.ObserverMethod;
import java.time.Duration;

/**
 * The numeric {@code tracegate.provisioner.*} and {@code tracegate.grafana.*} settings, checked at start-up against
 * the range where they mean what their documentation says. Out of it they fail later and elsewhere (fabric8's
 * leader election or informer, at the first reconcile) or silently mean something else (a backoff of 0 waits
 * {@code backoff.max} every time, a review rate of 0 refuses every gateway, an {@code api.max-wait} of 0 makes every
 * gateway poll in a loop); so they stop the provisioner with the key's name instead (see {@link BadSetting}).
 * Durations are counted in whole milliseconds, as the timers and fabric8 count them: under 1ms is 0.
 */
@ApplicationScoped
@Startup(ObserverMethod.DEFAULT_PRIORITY - 100) // before ProvisionerLifecycle starts the beans that use these settings
public class SettingRanges {

    static final String MORE_THAN_ZERO = "must be more than 0";
    static final String NOT_NEGATIVE = "must not be negative";
    private static final String PREFIX = "tracegate.provisioner.";
    /** fabric8's LeaderElector waits up to retry-period * (1 + 1.2) between two tries (JITTER_FACTOR). */
    private static final double LEADER_ELECTION_JITTER = 1.2;

    SettingRanges(ProvisionerConfig provisioner, GrafanaConfig grafana) {
        check(provisioner, grafana);
    }

    /** @throws io.quarkus.runtime.configuration.ConfigurationException naming the first key out of its range */
    static void check(ProvisionerConfig config, GrafanaConfig grafana) {
        // 0 would switch fabric8's informer resync off: no more drift repair, which this setting is for.
        moreThanZero(PREFIX + "resync-interval", config.resyncInterval());
        // 0 is one try, then the datasources are left in Grafana at once: a policy, not a mistake.
        notNegative(PREFIX + "cleanup-timeout", config.cleanupTimeout());
        atLeastOne(PREFIX + "workers", config.workers());
        atLeastOne(PREFIX + "concurrent-calls", config.concurrentCalls());
        // Backoff waits max whenever initial is 0ms; a max of 0 retries a failed reconcile in a loop.
        // An initial above max is not refused: every delay is capped at max, as documented.
        moreThanZero(PREFIX + "backoff.initial", config.backoff().initial());
        moreThanZero(PREFIX + "backoff.max", config.backoff().max());
        checkLeaderElection(config.leaderElection());
        // 0 would answer every long poll at once, and the gateways poll again at once.
        moreThanZero(PREFIX + "api.max-wait", config.api().maxWait());
        // 0 means "not remembered": every request costs a TokenReview (or every refused one).
        notNegative(PREFIX + "api.token-review-cache", config.api().tokenReviewCache());
        notNegative(PREFIX + "api.token-refusal-cache", config.api().tokenRefusalCache());
        // 0 is not "no limit" here: it refuses every TokenReview, so no gateway gets its configuration.
        atLeastOne(PREFIX + "api.token-reviews-per-minute", config.api().tokenReviewsPerMinute());
        // 0 is no timeout at all for the Kubernetes client: an API server that does not answer would hold each poll.
        moreThanZero(PREFIX + "api.token-review-timeout", config.api().tokenReviewTimeout());
        // 0 publishes at once (no coalescing of changes): a choice, not a mistake.
        notNegative(PREFIX + "publish.quiet-period", config.publish().quietPeriod());
        notNegative(PREFIX + "publish.max-delay", config.publish().maxDelay());
        // 0 is no timeout at all for the HTTP client: a Grafana that hangs would hold a reconcile for good.
        moreThanZero("tracegate.grafana.connect-timeout", grafana.connectTimeout());
        moreThanZero("tracegate.grafana.read-timeout", grafana.readTimeout());
        // 0 would close each client as soon as it is made: every call to Grafana would fail.
        atLeastOne("tracegate.grafana.client-cache-size", grafana.clientCacheSize());
        try {
            GrafanaUrlAllowList.of(grafana.allowedUrls());
        } catch (IllegalArgumentException e) {
            throw BadSetting.refused(GrafanaUrlAllowList.KEY, e.getMessage());
        }
        try {
            DatasourceOwner.validateCluster(grafana.cluster());
        } catch (IllegalArgumentException e) {
            throw BadSetting.refused(DatasourceOwner.CLUSTER_KEY, e.getMessage());
        }
    }

    /**
     * What fabric8's LeaderElectorBuilder requires, else it throws at the first campaign, inside the start-up
     * observer. Checked even with leader election disabled: a value that cannot work is a mistake either way.
     */
    private static void checkLeaderElection(ProvisionerConfig.LeaderElection election) {
        String prefix = PREFIX + "leader-election.";
        moreThanZero(prefix + "lease-duration", election.leaseDuration());
        moreThanZero(prefix + "renew-deadline", election.renewDeadline());
        moreThanZero(prefix + "retry-period", election.retryPeriod());
        if (election.renewDeadline().compareTo(election.leaseDuration()) >= 0) {
            throw BadSetting.refused(prefix + "renew-deadline", "must be shorter than lease-duration");
        }
        Duration retry = election.retryPeriod();
        Duration longestRetry = retry.plusMillis((long) Math.ceil(retry.toMillis() * LEADER_ELECTION_JITTER));
        if (election.renewDeadline().compareTo(longestRetry) <= 0) {
            throw BadSetting.refused(prefix + "retry-period", "must be shorter than renew-deadline / 2.2 (a retry waits up to 2.2 times it)");
        }
    }

    private static void moreThanZero(String key, Duration value) {
        if (value.toMillis() < 1) {
            throw BadSetting.refused(key, MORE_THAN_ZERO);
        }
    }

    private static void notNegative(String key, Duration value) {
        if (value.isNegative()) {
            throw BadSetting.refused(key, NOT_NEGATIVE);
        }
    }

    private static void atLeastOne(String key, int value) {
        if (value < 1) {
            throw BadSetting.refused(key, MORE_THAN_ZERO);
        }
    }
}
