package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.crdv2.generator.v1.SchemaCustomizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What the provisioner found and did, for people and tools to read.
 *
 * <p>The conditions are a list-map keyed by type, as Kubernetes' own (metav1.Condition): one per type, which the API
 * server enforces. The tenants are not, though a valid spec names each tenant once: the status tells about a spec
 * the validator refuses too (InvalidTenants), and a TempoStack's tenants (spec.tenantsFrom) are not checked by this
 * CRD, so a tenant named twice would have the API server refuse the very status that says what is wrong.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@SchemaCustomizer(value = ListMapKeys.class, input = "conditions=type")
public class TempoGatewayStatus {
    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("One per type, Ready first: Ready, TenantsResolved, SecretsSynced, ConfigPublished, DatasourcesSynced, Exposed.")
    public List<Condition> conditions = new ArrayList<>();

    @JsonProperty("configETag")
    @JsonPropertyDescription("ETag of the configuration the provisioner serves to the gateway.")
    public String configETag;

    @JsonPropertyDescription("One entry per tenant.")
    public List<TenantStatus> tenants = new ArrayList<>();

    @Override
    public boolean equals(Object o) {
        return o instanceof TempoGatewayStatus s && Objects.equals(observedGeneration, s.observedGeneration)
                && Objects.equals(conditions, s.conditions) && Objects.equals(configETag, s.configETag)
                && Objects.equals(tenants, s.tenants);
    }

    @Override
    public int hashCode() {
        return Objects.hash(observedGeneration, conditions, configETag, tenants);
    }
}
