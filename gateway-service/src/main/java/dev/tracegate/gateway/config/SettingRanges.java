package dev.tracegate.gateway.config;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.spi.ObserverMethod;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.Startup;

/**
 * The numeric {@code tracegate.*} settings, checked at start-up against the range where they mean what their
 * documentation says. Out of it they would fail later and elsewhere (a timer of 0 ms, a pool of no connection, at
 * the first request) or mean something else (an upstream timeout of 0 would time out every exchange); so a 0 or a
 * negative value stops the gateway with the key's name instead (see {@link BadSetting}). Durations are counted
 * in whole milliseconds, as the timers and clients take them: under 1ms is 0.
 */
@ApplicationScoped
@Startup(ObserverMethod.DEFAULT_PRIORITY - 100) // before the beans and observers that use these settings
public class SettingRanges {

    static final String MORE_THAN_ZERO = "must be more than 0";
    static final String NOT_NEGATIVE = "must not be negative";
    static final String SHORTER_THAN_IDLE_TIMEOUT = "must be shorter than quarkus.http.idle-timeout";

    SettingRanges(GatewayConfig config, @ConfigProperty(name = "quarkus.http.idle-timeout") Duration idleTimeout) {
        check(config, idleTimeout);
    }

    /**
     * @param idleTimeout {@code quarkus.http.idle-timeout}: how long a client's connection may move no byte
     * @throws io.quarkus.runtime.configuration.ConfigurationException naming the first key out of its range
     */
    static void check(GatewayConfig config, Duration idleTimeout) {
        moreThanZero("tracegate.tenants.file-check-interval", config.tenants().fileCheckInterval());
        // Sent as ?wait=<milliseconds>ms: under 1ms it would be 0ms, answered at once, and asked again at once.
        moreThanZero("tracegate.tenants.provisioner.wait", config.tenants().provisioner().longPoll());
        moreThanZero("tracegate.tenants.provisioner.retry-interval", config.tenants().provisioner().retryInterval());
        if (config.tenants().provisioner().maxRetryInterval().compareTo(config.tenants().provisioner().retryInterval()) < 0) {
            throw BadSetting.refused("tracegate.tenants.provisioner.max-retry-interval",
                    "must not be shorter than tracegate.tenants.provisioner.retry-interval");
        }
        moreThanZero("tracegate.upstream.timeout", config.upstream().timeout());
        // While Tempo is silent, so is the client's connection: Vert.x would close it at the idle timeout, without a
        // word, before the 504 that says what happened. (An idle timeout of 0 is none.)
        if (idleTimeout.compareTo(Duration.ZERO) > 0 && config.upstream().timeout().compareTo(idleTimeout) >= 0) {
            throw BadSetting.refused("tracegate.upstream.timeout", SHORTER_THAN_IDLE_TIMEOUT);
        }
        moreThanZero("tracegate.upstream.connect-timeout", config.upstream().connectTimeout());
        atLeast("tracegate.upstream.max-connections", config.upstream().maxConnections(), 1, MORE_THAN_ZERO);
        atLeast("tracegate.limits.max-body-size", config.limits().maxBodySize().asLongValue(), 0, NOT_NEGATIVE);
        // 0 means "no limit" and "the rate rounded up": documented values, not mistakes.
        atLeast("tracegate.limits.requests-per-second", config.limits().requestsPerSecond(), 0, NOT_NEGATIVE);
        atLeast("tracegate.limits.burst", config.limits().burst(), 0, NOT_NEGATIVE);
        atLeast("tracegate.limits.concurrent-requests", config.limits().concurrentRequests(), 0, NOT_NEGATIVE);
        // 0 turns the cache of verified tokens off.
        atLeast("tracegate.auth.token-cache-size", config.auth().tokenCacheSize(), 0, NOT_NEGATIVE);
        if (config.auth().tokenCacheMaxAge().isNegative()) {
            throw BadSetting.refused("tracegate.auth.token-cache-max-age", NOT_NEGATIVE);
        }
        moreThanZero("tracegate.auth.jwks-refresh-interval", config.auth().jwksRefreshInterval());
    }

    private static void moreThanZero(String key, Duration value) {
        if (value.toMillis() < 1) {
            throw BadSetting.refused(key, MORE_THAN_ZERO);
        }
    }

    private static void atLeast(String key, double value, double min, String problem) {
        if (!(value >= min)) { // NaN too
            throw BadSetting.refused(key, problem);
        }
    }
}
