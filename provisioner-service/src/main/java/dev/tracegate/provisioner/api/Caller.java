package dev.tracegate.provisioner.api;

/**
 * Who called, as the TokenReview said.
 *
 * @param authenticated false when the token was refused
 * @param username      e.g. system:serviceaccount:observability:tracegate-gateway
 */
public record Caller(boolean authenticated, String username) {
    static final Caller ANONYMOUS = new Caller(false, null);

    /** The Kubernetes user name of a service account. */
    static String serviceAccountUser(String namespace, String name) {
        return "system:serviceaccount:" + namespace + ":" + name;
    }
}
