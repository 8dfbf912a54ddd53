package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** Tempo's endpoints. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class UpstreamSpec {
    @Required
    @Pattern(Patterns.HTTP_URL_WITHOUT_USER)
    @JsonPropertyDescription("Base URL of Tempo's query-frontend HTTP API, e.g. http://tempo-query-frontend:3200 (read path).")
    public String queryFrontend;

    @Pattern(Patterns.HTTP_URL_WITHOUT_USER)
    @JsonPropertyDescription("Base URL of Tempo's distributor OTLP/HTTP receiver, e.g. http://tempo-distributor:4318 (write path).")
    public String distributor;
}
