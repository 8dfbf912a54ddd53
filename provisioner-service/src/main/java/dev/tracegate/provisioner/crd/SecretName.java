package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** A Secret in the TempoGateway's namespace, by name. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretName {
    @Required
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription("Name of the Secret, in the TempoGateway's namespace.")
    public String name;

    public SecretName() {
    }

    public SecretName(String name) {
        this.name = name;
    }
}
