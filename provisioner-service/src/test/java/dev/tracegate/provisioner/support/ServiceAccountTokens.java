package dev.tracegate.provisioner.support;

/** Tokens the mock TokenReview accepts: one per service account, opaque to the code under test. */
public final class ServiceAccountTokens {
    private static final String PREFIX = "test-sa-token.";

    private ServiceAccountTokens() {
    }

    public static String of(String namespace, String serviceAccount) {
        return PREFIX + namespace + "." + serviceAccount;
    }

    /** The Kubernetes user of a token, or null when the token is not one of ours. */
    static String userOf(String token) {
        if (token == null || !token.startsWith(PREFIX)) {
            return null;
        }
        String[] parts = token.substring(PREFIX.length()).split("\\.", 2);
        return parts.length == 2 ? "system:serviceaccount:" + parts[0] + ":" + parts[1] : null;
    }
}
