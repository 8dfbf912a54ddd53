package dev.tracegate.testsupport;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** The keys of a {@code @ConfigMapping} interface as an operator writes them, each with its {@code @WithDefault}. */
public final class ConfigKeys {

    private ConfigKeys() {
    }

    /** Key to default (null when it has none), in key order; groups (nested interfaces of the mapping) walked into. */
    public static Map<String, String> of(Class<?> mapping) {
        Map<String, String> keys = new TreeMap<>();
        collect(mapping.getAnnotation(ConfigMapping.class).prefix(), mapping, mapping, keys);
        return keys;
    }

    /**
     * What a document of these keys gets wrong: a key that none of its rows names, or whose rows do not state the
     * key's default.
     */
    public static List<String> undocumented(Map<String, String> keys, Function<String, List<String>> rowsNaming) {
        List<String> problems = new ArrayList<>();
        keys.forEach((key, fallback) -> {
            List<String> rows = rowsNaming.apply(key);
            if (rows.isEmpty()) {
                problems.add(key + ": no row names it");
            } else if (fallback != null && rows.stream().noneMatch(row -> row.contains(fallback))) {
                problems.add(key + ": its row does not state the default " + fallback);
            }
        });
        return problems;
    }

    private static void collect(String prefix, Class<?> group, Class<?> mapping, Map<String, String> keys) {
        for (Method method : group.getDeclaredMethods()) {
            if (method.isSynthetic() || method.isDefault() || Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            WithName named = method.getAnnotation(WithName.class);
            String key = prefix + "." + (named != null ? named.value() : kebab(method.getName()));
            Class<?> type = method.getReturnType();
            if (type.isInterface() && type.getEnclosingClass() == mapping) {
                collect(key, type, mapping, keys);
            } else {
                WithDefault fallback = method.getAnnotation(WithDefault.class);
                keys.put(key, fallback == null ? null : fallback.value());
            }
        }
    }

    private static String kebab(String name) {
        return name.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
