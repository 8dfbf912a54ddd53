package dev.tracegate.provisioner.support;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.utils.Serialization;

/**
 * A kustomize component's patch of a Deployment (kubernetes/components/...), for a service that a test starts as a
 * process: the container's environment as the patch writes it, and its Secret volume laid out as the kubelet would
 * mount it, the patch's items taken from files the test made, under a directory of the test's that stands for the
 * mount path.
 */
public final class ComponentPatch {

    private ComponentPatch() {
    }

    /**
     * @param patch the component's patch of one Deployment: one container, one Secret volume
     * @param files the Secret's keys as files, e.g. {@code tls.crt} to a certificate made by the test
     * @param dir   where the volume is laid out
     * @return the environment, the mount path in its values replaced by the volume's directory
     */
    public static Map<String, String> environment(Path patch, Map<String, Path> files, Path dir) throws IOException {
        PodSpec pod;
        try (InputStream in = Files.newInputStream(patch)) {
            pod = Serialization.unmarshal(in, Deployment.class).getSpec().getTemplate().getSpec();
        }
        Container container = pod.getContainers().get(0);
        Volume volume = pod.getVolumes().get(0);
        VolumeMount mount = container.getVolumeMounts().stream().filter(m -> m.getName().equals(volume.getName()))
                .findFirst().orElseThrow(() -> new IllegalArgumentException(patch + ": " + volume.getName() + " not mounted"));
        Path secret = Files.createDirectories(dir.resolve("secret")).toAbsolutePath();
        for (KeyToPath item : volume.getSecret().getItems()) {
            Path file = files.get(item.getKey());
            if (file == null) {
                throw new IllegalArgumentException(patch + " mounts " + item.getKey() + ", which the test lacks");
            }
            Files.copy(file, secret.resolve(item.getPath()), StandardCopyOption.REPLACE_EXISTING);
        }
        Map<String, String> environment = new LinkedHashMap<>();
        for (EnvVar variable : container.getEnv()) {
            environment.put(variable.getName(), variable.getValue().replace(mount.getMountPath(), secret.toString()));
        }
        return environment;
    }
}
