package dev.tracegate.gateway.config;

import java.util.Set;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * A setting the gateway refuses to start with. Quarkus reports a {@link ConfigurationException} that stops the
 * start-up as its message alone, on one line and without a stack trace, as it reports its own configuration
 * errors, and exits with 1. The message names the key and what is wrong, never the value: URLs carry passwords.
 */
public final class BadSetting {

    private BadSetting() {
    }

    public static ConfigurationException refused(String key, String problem) {
        return new ConfigurationException(key + ": " + problem, Set.of(key));
    }
}
