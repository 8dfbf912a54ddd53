package dev.tracegate.provisioner.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Pattern;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import java.util.Objects;

/**
 * A Kubernetes condition: one aspect of the gateway, true or not, and why. The fields metav1.Condition requires are
 * required here too, within its limits (its type and reason patterns, its status values, its lengths), and the
 * provisioner always writes them so: Conditions.stamp sets lastTransitionTime, cuts a message at
 * {@link #MAX_MESSAGE} characters and refuses a condition without one of the others. metav1.Condition's
 * {@code format: date-time} on lastTransitionTime is left out: the fabric8 generator has no annotation for a format.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Condition {
    /** metav1.Condition's longest message. */
    public static final int MAX_MESSAGE = 32768;

    @Required
    @Pattern("^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$")
    @Size(max = 316)
    @JsonPropertyDescription("Ready, TenantsResolved, SecretsSynced, ConfigPublished, DatasourcesSynced or Exposed.")
    public String type;

    @Required
    @Pattern("^(True|False|Unknown)$")
    @JsonPropertyDescription("True, False or Unknown.")
    public String status;

    @Required
    @Pattern("^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$")
    @Size(min = 1, max = 1024)
    @JsonPropertyDescription("One CamelCase word for programs.")
    public String reason;

    @Required
    @Size(max = MAX_MESSAGE)
    @JsonPropertyDescription("What a person needs to know to act.")
    public String message;

    @Required
    @JsonPropertyDescription("When status last changed (RFC 3339).")
    public String lastTransitionTime;

    @Min(0)
    @JsonPropertyDescription("metadata.generation the condition was computed for.")
    public Long observedGeneration;

    public Condition() {
    }

    public Condition(String type, String status, String reason, String message, String lastTransitionTime, Long observedGeneration) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
        this.lastTransitionTime = lastTransitionTime;
        this.observedGeneration = observedGeneration;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Condition c && Objects.equals(type, c.type) && Objects.equals(status, c.status)
                && Objects.equals(reason, c.reason) && Objects.equals(message, c.message)
                && Objects.equals(lastTransitionTime, c.lastTransitionTime)
                && Objects.equals(observedGeneration, c.observedGeneration);
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, status, reason, message, lastTransitionTime, observedGeneration);
    }

    @Override
    public String toString() {
        return type + "=" + status + " (" + reason + ": " + message + ")";
    }
}
