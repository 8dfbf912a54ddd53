package dev.tracegate.provisioner.crd;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.generator.annotation.ValidationRule;
import io.fabric8.kubernetes.model.annotation.Categories;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * One Tracegate gateway: its Tempo upstream, its tenants (TempoStack shape), the Secrets to keep filled and the
 * Grafana to wire to it. The CRD in kubernetes/crds/ is generated from this class and the types it uses.
 */
@Group(TempoGateway.GROUP)
@Version(TempoGateway.VERSION)
@Kind("TempoGateway")
@ShortNames("tgw")
@ValidationRule(value = "has(self.spec)", message = "spec: required")
@ValidationRule(value = "self.metadata.name.size() <= " + TempoGateway.MAX_NAME_LENGTH, message = TempoGateway.NAME_LENGTH_MESSAGE)
@Categories("tracegate")
// kubectl shows the columns in the CRD's order, and the generator sorts them by jsonPath (which the API server
// wants to start with "."): the recursive ".." forms (only .status has conditions) put them in the order
// Ready, Reason, Age. kubernetes/validate.py checks the order.
@AdditionalPrinterColumn(name = "Ready", jsonPath = "..conditions[?(@.type==\"Ready\")].status", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Reason", jsonPath = "..status.conditions[?(@.type==\"Ready\")].reason", type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp", type = AdditionalPrinterColumn.Type.DATE)
public class TempoGateway extends CustomResource<TempoGatewaySpec, TempoGatewayStatus> implements Namespaced {
    public static final String GROUP = "tracegate.dev";
    public static final String VERSION = "v1alpha1";
    /** Kept until the Grafana datasources of a deleted gateway are gone. */
    public static final String CLEANUP_FINALIZER = "tracegate.dev/cleanup";
    /**
     * The name is the value of the label tracegate.dev/gateway on what the provisioner makes for the gateway, and a
     * label value has at most 63 characters (a name up to 253).
     */
    public static final int MAX_NAME_LENGTH = 63;
    public static final String NAME_LENGTH_MESSAGE = "metadata.name: at most " + MAX_NAME_LENGTH
            + " characters, as it is used as the value of the label tracegate.dev/gateway";

    /** "namespace/name": the key of work queues, indexes and Grafana ownership. */
    public String key() {
        return getMetadata().getNamespace() + "/" + getMetadata().getName();
    }
}
