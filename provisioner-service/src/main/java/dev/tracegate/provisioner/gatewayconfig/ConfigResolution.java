package dev.tracegate.provisioner.gatewayconfig;

/** The gateway's configuration, or why it cannot be built yet. */
public sealed interface ConfigResolution {

    /** A complete document and its ETag (a quoted strong validator). */
    record Resolved(GatewayConfigDocument document, String etag) implements ConfigResolution {
    }

    /**
     * Something the document needs is missing; the messages name it (never a secret value).
     *
     * @param problemsByTenant the same problems, by tenant name
     */
    record Unresolved(String reason, String message, java.util.Map<String, String> problemsByTenant) implements ConfigResolution {
    }
}
