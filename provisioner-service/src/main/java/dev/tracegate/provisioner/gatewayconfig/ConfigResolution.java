package dev.tracegate.provisioner.gatewayconfig;

import dev.tracegate.tenants.TenantsDocument;
import java.util.List;
import java.util.Map;

/** The gateway's configuration, or why it cannot be published. */
public sealed interface ConfigResolution {

    /**
     * A complete document that the gateways' validator accepts, its canonical JSON (what every 200 sends: never
     * modified) and its ETag (a quoted strong validator, the JSON's digest).
     */
    record Resolved(TenantsDocument document, byte[] json, String etag) implements ConfigResolution {
        /** Serialized once: each gateway replica woken by a new document is sent these bytes. */
        public static Resolved of(TenantsDocument document) {
            byte[] json = ConfigRepresentations.json(document);
            return new Resolved(document, json, ConfigRepresentations.etag(json));
        }
    }

    /**
     * Something the document needs is missing; the messages name it (never a secret value).
     *
     * @param problemsByTenant the same problems, by tenant name
     */
    record Unresolved(String reason, String message, Map<String, String> problemsByTenant) implements ConfigResolution {
    }

    /**
     * The document could be built, but every gateway would refuse it.
     *
     * @param problems the validator's own messages, each naming its field (as a gateway would log them)
     */
    record Invalid(List<String> problems) implements ConfigResolution {
        public String message() {
            return "every gateway would refuse this tenants document: " + String.join("; ", problems);
        }
    }
}
