/**
 * Access control with Apache ZooKeeper's semantics: permission bits ({@link io.paddock.coordinator.acl.Perms}),
 * what a connection is authenticated as ({@link io.paddock.coordinator.acl.AuthInfo}), the auth
 * providers for the {@code digest} and {@code ip} schemes ({@link io.paddock.coordinator.acl.AuthRegistry}),
 * the check of a node's ACL against a connection ({@link io.paddock.coordinator.acl.AclEvaluator}) and
 * the check and expansion of an ACL a client asks to store ({@link io.paddock.coordinator.acl.AclValidator}).
 *
 * <p>The scheme {@code world} has the single id {@code anyone}; the pseudo-scheme {@code auth} in a
 * requested ACL stands for every authenticated id of the requester; the super user is the session
 * that authenticated with the configured super digest, and passes every check.
 *
 * <p>Everything here is immutable or stateless; several servers with different super digests can
 * share a JVM. ACL and Id records are the protocol's own ({@code zookeeper-jute}); since they are
 * mutable, this package copies them where it keeps or hands them out.
 */
package io.paddock.coordinator.acl;
