package dev.tracegate.provisioner.crd;

/** Validation patterns shared by several fields of the CRD. */
final class Patterns {
    /** Kubernetes object names (DNS-1123 subdomain). */
    static final String OBJECT_NAME = "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$";
    /** Keys of a Secret's data. */
    static final String SECRET_KEY = "^[-._a-zA-Z0-9]+$";

    private Patterns() {
    }
}
