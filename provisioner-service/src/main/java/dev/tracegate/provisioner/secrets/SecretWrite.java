package dev.tracegate.provisioner.secrets;

import dev.tracegate.provisioner.kube.WriteResult;
import io.fabric8.kubernetes.api.model.Secret;

/**
 * The result of applying one tenant Secret.
 *
 * @param name   the Secret's name
 * @param result what the write did
 * @param secret the Secret as it now is (null when refused or deleted)
 * @param detail why it was refused, for a condition message; null otherwise
 */
public record SecretWrite(String name, WriteResult result, Secret secret, String detail) {

    /** Never prints the Secret's values. */
    @Override
    public String toString() {
        return "SecretWrite[name=" + name + ", result=" + result + (detail == null ? "" : ", detail=" + detail) + "]";
    }
}
