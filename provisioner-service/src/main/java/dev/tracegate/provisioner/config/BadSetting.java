package dev.tracegate.provisioner.config;

import io.quarkus.runtime.configuration.ConfigurationException;
import java.util.Set;

/**
 * A setting the provisioner refuses to start with. Quarkus reports a {@link ConfigurationException} that stops the
 * start-up as its message alone, on one line and without a stack trace, and exits with 1. The message names the key
 * and what is wrong, never the value (as the gateway's own BadSetting: the services share no code).
 */
public final class BadSetting {

    private BadSetting() {
    }

    public static ConfigurationException refused(String key, String problem) {
        return new ConfigurationException(key + ": " + problem, Set.of(key));
    }
}
