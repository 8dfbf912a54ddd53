package dev.tracegate.provisioner.crd;

/** Validation patterns shared by several fields of the CRD. */
final class Patterns {
    static final String HTTP_URL = "^https?://[^\\s/]+(/\\S*)?$";
    /** A URL the gateway calls with credentials of its own, never a user or password from the URL. */
    static final String HTTP_URL_WITHOUT_USER = "^https?://[^\\s/@]+(/\\S*)?$";
    /** Kubernetes object names (DNS-1123 subdomain). */
    static final String OBJECT_NAME = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
    /** Keys of a Secret's data. */
    static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";

    private Patterns() {
    }
}
