package org.timekeeper.jenkins.pipeline

import groovy.transform.CompileStatic

/**
 * Hides Maven's compiled copy of the library classes (org.timekeeper.jenkins, outside
 * the test packages) from the pipeline's class loader, which then compiles them from
 * src/ as Jenkins does, CPS transformation included. Statically compiled: dynamic
 * Groovy inside loadClass would ask the meta-class machinery for classes it is loading.
 */
@CompileStatic
class LibrarySourceClassLoader extends ClassLoader {

    private static final String LIBRARY_PACKAGE = 'org.timekeeper.jenkins.'
    private static final String TEST_PACKAGE = 'org.timekeeper.jenkins.pipeline.'

    LibrarySourceClassLoader(ClassLoader parent) {
        super(parent)
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (name.startsWith(LIBRARY_PACKAGE) && !name.startsWith(TEST_PACKAGE)) {
            throw new ClassNotFoundException(name)
        }
        return super.loadClass(name, resolve)
    }

    @Override
    URL getResource(String name) {
        // Groovy also looks for compiled classes as resources; hide those too.
        if (name.startsWith(LIBRARY_PACKAGE.replace('.', '/')) && !name.startsWith(TEST_PACKAGE.replace('.', '/'))
                && name.endsWith('.class')) {
            return null
        }
        return super.getResource(name)
    }
}
