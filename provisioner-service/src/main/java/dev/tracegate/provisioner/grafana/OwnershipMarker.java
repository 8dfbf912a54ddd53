package dev.tracegate.provisioner.grafana;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The jsonData fields by which we recognise our own datasources. Grafana keeps unknown jsonData fields
 * as they are, so they survive in the datasource and come back on every GET.
 */
public final class OwnershipMarker {

    /** {@code namespace/name} of the TempoGateway that made the datasource, and {@code @<cluster>} (DatasourceOwner). */
    public static final String OWNER = "tracegateOwner";
    /** The tenant the datasource serves. */
    public static final String TENANT = "tracegateTenant";
    /** sha256 of uid and the secureJsonData we sent: Grafana never returns secret values, so this detects rotation. */
    public static final String SECRET_HASH = "tracegateSecretHash";

    private OwnershipMarker() {
    }

    /** The owner named by a datasource as Grafana returns it, or null when it carries no marker. */
    public static String ownerOf(JsonNode datasource) {
        JsonNode owner = datasource.path("jsonData").path(OWNER);
        return owner.isTextual() ? owner.asText() : null;
    }

    public static boolean isOwnedBy(JsonNode datasource, String owner) {
        return owner.equals(ownerOf(datasource));
    }

    /** Why a datasource is not ours, for a status message a person can act on. */
    public static String describeForeign(JsonNode datasource, String owner) {
        String actualOwner = ownerOf(datasource);
        String who = actualOwner == null
                ? "is not managed by Tracegate"
                : "belongs to TempoGateway " + actualOwner;
        return "datasource '" + datasource.path("name").asText() + "' (uid " + datasource.path("uid").asText() + ") " + who
                + "; left untouched. Rename or delete it, or give TempoGateway " + owner
                + " another datasource name template";
    }
}
