package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/**
 * A Tempo Operator resource (tempo.grafana.com/v1alpha1) in the TempoGateway's namespace whose tenants, and whose
 * gateway, this TempoGateway uses instead of declaring its own.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TenantsFromSpec {
    @Required
    @JsonPropertyDescription("TempoStack (tenants in spec.tenants) or TempoMonolithic (tenants in spec.multitenancy).")
    public Kind kind;

    @Required
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription("Name of the TempoStack or TempoMonolithic, in the TempoGateway's namespace.")
    public String name;

    @JsonPropertyDescription("ConfigMap with the PEM CA that Grafana trusts for the operator's gateway; setting it makes the datasources use "
            + "https. Default with mode openshift: openshift-service-ca.crt, key service-ca.crt (OpenShift's service CA).")
    public ConfigMapKeyRef gatewayCA;

    /** The Tempo Operator's kinds that carry tenants. */
    public enum Kind {
        @JsonProperty("TempoStack")
        TEMPO_STACK,
        @JsonProperty("TempoMonolithic")
        TEMPO_MONOLITHIC
    }

    /** One key of a ConfigMap in the TempoGateway's namespace. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ConfigMapKeyRef {
        @Required
        @Pattern(Patterns.OBJECT_NAME)
        @JsonPropertyDescription("Name of the ConfigMap, in the TempoGateway's namespace.")
        public String name;

        @Required
        @Pattern(Patterns.SECRET_KEY)
        @JsonPropertyDescription("Key in the ConfigMap's data.")
        public String key;

        public ConfigMapKeyRef() {
        }

        public ConfigMapKeyRef(String name, String key) {
            this.name = name;
            this.key = key;
        }
    }
}
