package dev.tracegate.provisioner.secrets;

import dev.tracegate.provisioner.crd.TempoGateway;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.Map;

/** The labels and owner reference that mark a Secret as made by the provisioner for one TempoGateway. */
public final class Ownership {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "tracegate-provisioner";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String PART_OF_VALUE = "tracegate";
    public static final String GATEWAY = "tracegate.dev/gateway";

    private Ownership() {
    }

    public static Map<String, String> labels(TempoGateway gateway) {
        return Map.of(MANAGED_BY, MANAGED_BY_VALUE, PART_OF, PART_OF_VALUE, GATEWAY, gateway.getMetadata().getName());
    }

    /** Controller reference: the Secret is garbage-collected with its TempoGateway. */
    public static OwnerReference ownerReference(TempoGateway gateway) {
        return new OwnerReferenceBuilder()
                .withApiVersion(gateway.getApiVersion())
                .withKind(gateway.getKind())
                .withName(gateway.getMetadata().getName())
                .withUid(gateway.getMetadata().getUid())
                .withController(true)
                .withBlockOwnerDeletion(false)
                .build();
    }

    /** Ours, and made for this gateway: a Secret of another TempoGateway is as foreign as a hand-made one. */
    public static boolean isManagedFor(HasMetadata object, TempoGateway gateway) {
        Map<String, String> labels = object.getMetadata().getLabels();
        return labels != null && MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY))
                && gateway.getMetadata().getName().equals(labels.get(GATEWAY));
    }

    /** Why a Secret is not ours, for a condition message. */
    public static String foreignReason(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        if (labels == null || !MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY))) {
            return "it has no label " + MANAGED_BY + "=" + MANAGED_BY_VALUE;
        }
        return "it belongs to TempoGateway " + labels.get(GATEWAY);
    }
}
