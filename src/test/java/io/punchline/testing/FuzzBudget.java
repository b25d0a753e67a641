package io.punchline.testing;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * The fuzz tests' budget: each property runs its declared {@code tries} (jqwik's default of 1000 where none is
 * declared) times the factor in the system property {@value #SCALE}, 1 unless set. The default test run takes the
 * declared counts; the {@code full} Maven profile sets a larger factor for long fuzzing. The same properties run in
 * both, only more often. Fuzz classes take it with {@code @AddLifecycleHook(FuzzBudget.class)}.
 */
public final class FuzzBudget implements AroundPropertyHook {

    public static final String SCALE = "punchline.fuzz.scale";

    private static final int JQWIK_DEFAULT_TRIES = 1000;

    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.ALL_DESCENDANTS;
    }

    @Override
    public PropertyExecutionResult aroundProperty(PropertyLifecycleContext context, PropertyExecutor property) {
        int declared = context.attributes().tries().orElse(JQWIK_DEFAULT_TRIES);
        context.attributes().setTries(Math.max(1, Math.round(declared * scale())));
        return property.execute();
    }

    /** The factor on every fuzz property's tries; at least 1 try each whatever it is. */
    public static float scale() {
        String value = System.getProperty(SCALE, "1");
        try {
            float scale = Float.parseFloat(value);
            if (scale > 0) {
                return scale;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(SCALE + " must be a positive number, not " + value);
    }
}
