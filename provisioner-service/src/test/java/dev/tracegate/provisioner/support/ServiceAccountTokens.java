package dev.tracegate.provisioner.support;

import java.util.List;

/** Tokens the mock TokenReview accepts: one per service account, opaque to the code under test. */
public final class ServiceAccountTokens {
    private static final String PREFIX = "test-sa-token.";
    private static final String BOUND_PREFIX = "test-sa-bound-token.";

    private ServiceAccountTokens() {
    }

    /** A token valid for whatever audiences a review asks about, as a projected token of the right audience is. */
    public static String of(String namespace, String serviceAccount) {
        return PREFIX + namespace + "." + serviceAccount;
    }

    /**
     * A token bound to one other audience (no dots in it), which the mock authenticates whatever audiences the review
     * asks about and reports with its own: what an authenticator does that ignores TokenReview's spec.audiences.
     */
    public static String boundTo(String audience, String namespace, String serviceAccount) {
        return BOUND_PREFIX + audience + "." + namespace + "." + serviceAccount;
    }

    /** The Kubernetes user of a token, or null when the token is not one of ours. */
    static String userOf(String token) {
        String rest = token == null ? null
                : token.startsWith(PREFIX) ? token.substring(PREFIX.length())
                : token.startsWith(BOUND_PREFIX) ? token.substring(token.indexOf('.', BOUND_PREFIX.length()) + 1)
                : null;
        if (rest == null) {
            return null;
        }
        String[] parts = rest.split("\\.", 2);
        return parts.length == 2 ? "system:serviceaccount:" + parts[0] + ":" + parts[1] : null;
    }

    /** The audiences a review reports for a token of ours: the ones asked about, or the one it is bound to. */
    static List<String> audiencesOf(String token, List<String> asked) {
        if (token != null && token.startsWith(BOUND_PREFIX)) {
            return List.of(token.substring(BOUND_PREFIX.length(), token.indexOf('.', BOUND_PREFIX.length())));
        }
        return asked;
    }
}
