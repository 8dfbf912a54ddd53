package dev.tracegate.provisioner.status;

import dev.tracegate.provisioner.crd.Condition;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** The condition types (four always, two when their part of the spec is used) and the rules for building them. */
public final class Conditions {
    public static final String READY = "Ready";
    public static final String SECRETS_SYNCED = "SecretsSynced";
    public static final String CONFIG_PUBLISHED = "ConfigPublished";
    public static final String DATASOURCES_SYNCED = "DatasourcesSynced";
    /** Only with spec.tenantsFrom, or when the tenants cannot be had: where they come from. */
    public static final String TENANTS_RESOLVED = "TenantsResolved";
    /** Only with spec.expose. */
    public static final String EXPOSED = "Exposed";
    /** The order in which conditions are listed in the status. */
    public static final List<String> TYPES = List.of(READY, TENANTS_RESOLVED, SECRETS_SYNCED, CONFIG_PUBLISHED, DATASOURCES_SYNCED, EXPOSED);

    private Conditions() {
    }

    public static Condition of(String type, boolean ok, String reason, String message) {
        return new Condition(type, ok ? "True" : "False", reason, message, null, null);
    }

    public static boolean isTrue(Condition condition) {
        return condition != null && "True".equals(condition.status);
    }

    /** Ready is the conjunction of the others; when false, it repeats the first failing one's reason and message. */
    public static Condition ready(List<Condition> parts, String whenReady) {
        return parts.stream().filter(c -> !isTrue(c)).findFirst()
                .map(failing -> of(READY, false, failing.reason, failing.type + ": " + failing.message))
                .orElseGet(() -> of(READY, true, "Ready", whenReady));
    }

    /**
     * Stamps new conditions with the generation and a transition time: the previous time is kept while the
     * status stays the same, so that lastTransitionTime means what it says.
     */
    public static List<Condition> stamp(List<Condition> previous, List<Condition> current, Long generation, Instant now) {
        List<Condition> stamped = new ArrayList<>();
        Set<String> types = new HashSet<>();
        for (Condition c : current) {
            requireWhatTheCrdRequires(c, types);
            Optional<Condition> before = find(previous, c.type);
            String time = before.filter(b -> Objects.equals(b.status, c.status)).map(b -> b.lastTransitionTime)
                    .orElse(now.truncatedTo(ChronoUnit.SECONDS).toString());
            stamped.add(new Condition(c.type, c.status, c.reason, cut(c.message), time, generation));
        }
        stamped.sort((a, b) -> Integer.compare(order(a.type), order(b.type)));
        return stamped;
    }

    /**
     * A message within metav1.Condition's {@link Condition#MAX_MESSAGE} characters, which the CRD enforces: a longer
     * one (every field a document of a thousand tenants gets wrong) would have the API server refuse the whole status.
     */
    static String cut(String message) {
        return cut(message, Condition.MAX_MESSAGE);
    }

    /**
     * {@code message}, or when longer than {@code max} characters its start with an ellipsis, {@code max} in all:
     * a reader sees that it goes on. Never cut inside a character that takes two UTF-16 units.
     */
    static String cut(String message, int max) {
        if (message.length() <= max) {
            return message;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(message.charAt(end - 1))) {
            end--;
        }
        return message.substring(0, end) + "\u2026";
    }

    /**
     * The CRD keeps one condition per type (a list-map keyed by type) and requires its fields as metav1.Condition
     * does: a condition without them is a bug here, told as such rather than as the API server's refusal of the status.
     */
    private static void requireWhatTheCrdRequires(Condition c, Set<String> typesSoFar) {
        if (c.type == null || c.status == null || c.reason == null || c.message == null) {
            throw new IllegalArgumentException("condition " + c + ": type, status, reason and message are required by the CRD");
        }
        if (!typesSoFar.add(c.type)) {
            throw new IllegalArgumentException("condition " + c.type + " given twice: the CRD keeps one per type");
        }
    }

    public static Optional<Condition> find(List<Condition> conditions, String type) {
        return conditions == null ? Optional.empty() : conditions.stream().filter(c -> type.equals(c.type)).findFirst();
    }

    private static int order(String type) {
        int i = TYPES.indexOf(type);
        return i < 0 ? TYPES.size() : i;
    }
}
