package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.tracegate.tenants.TenantsValidator;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Tempo's endpoints: in the tenants document, so the CRD states the validator's rule for them. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpstreamSpec {
    @Required
    @Pattern(TenantsValidator.SERVER_URL_PATTERN)
    @JsonPropertyDescription("Base URL of Tempo's query-frontend HTTP API, e.g. http://tempo-query-frontend:3200 (read path).")
    public String queryFrontend;

    @Pattern(TenantsValidator.SERVER_URL_PATTERN)
    @JsonPropertyDescription("Base URL of Tempo's distributor OTLP/HTTP receiver, e.g. http://tempo-distributor:4318 (write path).")
    public String distributor;
}
