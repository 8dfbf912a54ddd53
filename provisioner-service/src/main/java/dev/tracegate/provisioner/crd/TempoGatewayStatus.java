package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** What the provisioner found and did, for people and tools to read. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TempoGatewayStatus {
    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    public Long observedGeneration;

    @JsonPropertyDescription("Ready, SecretsSynced, ConfigPublished and DatasourcesSynced.")
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
