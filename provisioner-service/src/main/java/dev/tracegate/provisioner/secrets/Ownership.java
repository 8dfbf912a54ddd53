package dev.tracegate.provisioner.secrets;

import dev.tracegate.provisioner.crd.TempoGateway;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The labels and owner reference that mark an object (a tenant Secret, the Ingress or Route of spec.expose) as made
 * by the provisioner for one TempoGateway.
 */
public final class Ownership {
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "tracegate-provisioner";
    public static final String PART_OF = "app.kubernetes.io/part-of";
    public static final String PART_OF_VALUE = "tracegate";
    public static final String GATEWAY = "tracegate.dev/gateway";
    /** The labels {@link #labels} sets. */
    public static final Set<String> LABEL_KEYS = Set.of(MANAGED_BY, PART_OF, GATEWAY);

    private Ownership() {
    }

    public static Map<String, String> labels(TempoGateway gateway) {
        return Map.of(MANAGED_BY, MANAGED_BY_VALUE, PART_OF, PART_OF_VALUE, GATEWAY, gateway.getMetadata().getName());
    }

    /**
     * A reference to a Tempo Operator resource whose tenants name a Secret the provisioner fills: the Secret is the
     * resource's, garbage-collected with it and not with the TempoGateway, which only reads its tenants. Not a
     * controller, and blocking no deletion (which would need a right on the operator's resources).
     */
    public static OwnerReference readFrom(String apiVersion, String kind, HasMetadata resource) {
        return new OwnerReferenceBuilder()
                .withApiVersion(apiVersion)
                .withKind(kind)
                .withName(resource.getMetadata().getName())
                .withUid(resource.getMetadata().getUid())
                .withController(false)
                .withBlockOwnerDeletion(false)
                .build();
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
        return gatewayName(object).filter(gateway.getMetadata().getName()::equals).isPresent();
    }

    /**
     * The name of the TempoGateway (of the object's namespace) the object was made for, by its labels; empty for an
     * object Tracegate did not make. By label, not ownerReference: an object orphaned by
     * {@code kubectl delete --cascade=orphan} has lost its reference and is still ours to put right.
     */
    public static Optional<String> gatewayName(HasMetadata object) {
        Map<String, String> labels = object.getMetadata().getLabels();
        if (labels == null || !MANAGED_BY_VALUE.equals(labels.get(MANAGED_BY))) {
            return Optional.empty();
        }
        return Optional.ofNullable(labels.get(GATEWAY));
    }

    /**
     * Labelled and owned as {@link #labels} and {@link #ownerReference} make it. An object of ours can lose its
     * reference ({@code kubectl delete --cascade=orphan}: the garbage collector strips it) or keep one to an earlier
     * TempoGateway of the same name (re-created before the garbage collector ran); without the current one it would
     * outlive this TempoGateway, or be deleted with the earlier one.
     */
    public static boolean isMarkedFor(HasMetadata object, TempoGateway gateway) {
        return isMarkedFor(object, gateway, ownerReference(gateway));
    }

    /** The same with another owner than the TempoGateway ({@link #readFrom}). */
    public static boolean isMarkedFor(HasMetadata object, TempoGateway gateway, OwnerReference owner) {
        Map<String, String> labels = object.getMetadata().getLabels();
        boolean labelled = labels != null && labels.entrySet().containsAll(labels(gateway).entrySet());
        return labelled && isOwnedBy(object, owner.getUid());
    }

    /** The object's labels with ours added: labels of its own are kept. */
    public static Map<String, String> labelsWith(HasMetadata object, TempoGateway gateway) {
        Map<String, String> existing = object.getMetadata().getLabels();
        Map<String, String> labels = new HashMap<>(existing == null ? Map.of() : existing);
        labels.putAll(labels(gateway));
        return labels;
    }

    /**
     * The object's owner references with this TempoGateway's: one to an earlier TempoGateway of the same name
     * (deleted and re-created) is replaced; references to other owners, such as one a user added, are kept.
     */
    public static List<OwnerReference> ownerReferencesWith(HasMetadata object, TempoGateway gateway) {
        return ownerReferencesWith(object, ownerReference(gateway));
    }

    /** The same with another owner than the TempoGateway ({@link #readFrom}). */
    public static List<OwnerReference> ownerReferencesWith(HasMetadata object, OwnerReference owner) {
        List<OwnerReference> existing = object.getMetadata().getOwnerReferences();
        List<OwnerReference> refs = new ArrayList<>(existing == null ? List.of() : existing);
        if (!isOwnedBy(object, owner.getUid())) {
            refs.removeIf(r -> owner.getKind().equals(r.getKind()) && owner.getName().equals(r.getName()));
            refs.add(owner);
        }
        return refs;
    }

    /** Whether one of the object's owner references has this uid. */
    public static boolean isOwnedBy(HasMetadata object, String uid) {
        List<OwnerReference> refs = object.getMetadata().getOwnerReferences();
        return uid != null && refs != null && refs.stream().anyMatch(r -> uid.equals(r.getUid()));
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
