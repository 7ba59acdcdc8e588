package com.ekspipeline.core;

/**
 * The tag every resource of the app carries, valued with the app name. {@code scripts/verify-destroyed}
 * searches the account by it, and the cluster's controllers put it on the load balancers and volumes they
 * create, so that whatever a destroy leaves behind can be found.
 */
public final class AppTag {

    public static final String KEY = "app";

    private AppTag() {
    }
}
