package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;

/** One key of a Secret in the TempoGateway's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SecretKeyRef {
    @Required
    @Pattern(Patterns.OBJECT_NAME)
    @JsonPropertyDescription("Name of the Secret, in the TempoGateway's namespace.")
    public String name;

    @Required
    @Pattern(Patterns.SECRET_KEY)
    @JsonPropertyDescription("Key in the Secret's data.")
    public String key;

    public SecretKeyRef() {
    }

    public SecretKeyRef(String name, String key) {
        this.name = name;
        this.key = key;
    }
}
