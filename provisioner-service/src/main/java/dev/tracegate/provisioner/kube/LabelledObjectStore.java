package dev.tracegate.provisioner.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The item store of an informer on objects labelled as the provisioner's. Anyone who may create such an object in a
 * watched namespace may put that label on it, so the store holds whole only the objects {@code keptWhole} allows
 * (small ones); of any other it keeps what an event needs (namespace, name, uid, resourceVersion and the
 * labels it is given), a few hundred bytes whatever the object holds. Without it, a few hundred labelled
 * 1 MiB Secrets would hold the provisioner's heap, and it would run out of memory at every start.
 * <p>
 * Handlers may receive the reduced copy (as an update's old object, or as an added object at the first list); where
 * the content matters, {@link #whole} says whether the store has it.
 */
public final class LabelledObjectStore<T extends HasMetadata> implements ItemStore<T> {
    private record Held<T>(T object, boolean whole) {
    }

    private final Map<String, Held<T>> items = new ConcurrentHashMap<>();
    private final Set<String> labelsKept;
    private final Predicate<T> keptWhole;
    private final Function<ObjectMeta, T> reducedCopy;

    /**
     * @param labelsKept  the labels a reduced copy keeps (the others may be many)
     * @param keptWhole   which objects are held as they are
     * @param reducedCopy makes an object of the informer's type that carries only this metadata
     */
    public LabelledObjectStore(Set<String> labelsKept, Predicate<T> keptWhole, Function<ObjectMeta, T> reducedCopy) {
        this.labelsKept = labelsKept;
        this.keptWhole = keptWhole;
        this.reducedCopy = reducedCopy;
    }

    /** The object as the API server gave it, if the store holds it whole. */
    public Optional<T> whole(String key) {
        Held<T> held = items.get(key);
        return held != null && held.whole() ? Optional.of(held.object()) : Optional.empty();
    }

    @Override
    public String getKey(T object) {
        return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public T put(String key, T object) {
        Held<T> held = keptWhole.test(object) ? new Held<>(object, true) : new Held<>(reduced(object), false);
        return unwrap(items.put(key, held));
    }

    @Override
    public T remove(String key) {
        return unwrap(items.remove(key));
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<T> values() {
        return items.values().stream().map(Held::object);
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public T get(String key) {
        return unwrap(items.get(key));
    }

    private T reduced(T object) {
        ObjectMeta meta = object.getMetadata();
        Map<String, String> ours = new HashMap<>();
        Map<String, String> labels = meta.getLabels() == null ? Map.of() : meta.getLabels();
        for (String label : labelsKept) {
            if (labels.containsKey(label)) {
                ours.put(label, labels.get(label));
            }
        }
        return reducedCopy.apply(new ObjectMetaBuilder()
                .withNamespace(meta.getNamespace())
                .withName(meta.getName())
                .withUid(meta.getUid())
                .withResourceVersion(meta.getResourceVersion())
                .withLabels(ours)
                .build());
    }

    private static <T> T unwrap(Held<T> held) {
        return held == null ? null : held.object();
    }
}
