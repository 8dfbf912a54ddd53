package dev.tracegate.provisioner.grafana;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Removes the secrets we know from any text we pass on (Grafana's messages, exception texts), as a last
 * line of defence: a status message or log line must never carry a token or password.
 */
final class SecretScrubber {

    private static final int MAX_LENGTH = 400;
    private final List<String> secrets;

    private SecretScrubber(List<String> secrets) {
        List<String> longestFirst = new ArrayList<>(secrets);
        longestFirst.sort(Comparator.comparingInt(String::length).reversed());
        this.secrets = longestFirst;
    }

    static SecretScrubber of(GrafanaConnection connection, DatasourceRequest request) {
        return new SecretScrubber(Stream.of(connection.token(), connection.password(),
                        request == null ? null : request.bearerToken())
                .filter(Objects::nonNull)
                // Very short values would blank out ordinary words; such secrets are not worth hiding anyway.
                .filter(s -> s.length() >= 4)
                .toList());
    }

    String scrub(String text) {
        if (text == null) {
            return null;
        }
        String clean = text;
        for (String secret : secrets) {
            clean = clean.replace(secret, "***");
        }
        return clean.length() <= MAX_LENGTH ? clean : clean.substring(0, MAX_LENGTH) + "...";
    }
}
