package com.ekspipeline.core;

import software.amazon.awscdk.CfnResource;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A resource's CloudFormation type, without a round trip to jsii's runtime where the Java class already says it.
 *
 * <p>jsii hands Java each construct as the class of its most specific exported type, and every generated L1
 * class ({@code CfnFunction}, {@code CfnLogGroup}, ...) declares its type as {@code CFN_RESOURCE_TYPE_NAME}:
 * read once per class. Only a plain {@code CfnResource} (CDK's custom resources and provider handlers, whose
 * type is whatever their constructor was given), or a class of the app's own without that field, is asked.
 * An aspect visits every construct of the app, so this saves one call to Node.js per resource.
 */
public final class CfnTypes {

    private static final Map<Class<?>, Optional<String>> DECLARED = new ConcurrentHashMap<>();

    private CfnTypes() {
    }

    public static String of(final CfnResource resource) {
        if (resource.getClass() == CfnResource.class) {
            return resource.getCfnResourceType();
        }
        return DECLARED.computeIfAbsent(resource.getClass(), CfnTypes::declared)
                .orElseGet(resource::getCfnResourceType);
    }

    private static Optional<String> declared(final Class<?> type) {
        try {
            final Field field = type.getDeclaredField("CFN_RESOURCE_TYPE_NAME");
            return Modifier.isStatic(field.getModifiers()) && field.getType() == String.class
                    ? Optional.ofNullable((String) field.get(null)) : Optional.empty();
        } catch (NoSuchFieldException | IllegalAccessException e) {
            return Optional.empty();
        }
    }
}
