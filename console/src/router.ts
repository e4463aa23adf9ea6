import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { session } from './auth/session';

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: { name: 'dashboard' } },
  { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignInPage.vue'), meta: { public: true, title: 'Sign in' } },
  { path: '/dashboard', name: 'dashboard', component: () => import('./pages/DashboardPage.vue'), meta: { title: 'Dashboard' } },
  { path: '/authorize', name: 'authorize', component: () => import('./pages/AuthorizePage.vue'), meta: { title: 'Authorize a merchant' } },
  { path: '/authorizers', name: 'authorizers', component: () => import('./pages/AuthorizersPage.vue'), meta: { title: 'Authorizers' } },
  { path: '/authorizers/:appId', name: 'authorizer', component: () => import('./pages/AuthorizerPage.vue'), props: true, meta: { title: 'Mini program' } },
  { path: '/templates', name: 'templates', component: () => import('./pages/TemplatesPage.vue'), meta: { title: 'Templates' } },
  { path: '/releases', name: 'releases', component: () => import('./pages/ReleasesPage.vue'), meta: { title: 'Releases' } },
  { path: '/releases/new', name: 'release-new', component: () => import('./pages/ReleaseWizardPage.vue'), meta: { title: 'New release' } },
  { path: '/releases/:releaseId', name: 'release', component: () => import('./pages/ReleaseProgressPage.vue'), props: true, meta: { title: 'Release' } },
  { path: '/registrations', name: 'registrations', component: () => import('./pages/RegistrationsPage.vue'), meta: { title: 'Fast registrations' } },
  { path: '/audit-log', name: 'audit-log', component: () => import('./pages/AuditLogPage.vue'), meta: { title: 'Audit log' } },
  { path: '/:unknown(.*)*', redirect: { name: 'dashboard' } },
];

export function createConsoleRouter() {
  const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
  router.beforeEach((to) => {
    if (!to.meta.public && !session.current) return { name: 'sign-in', query: to.fullPath === '/dashboard' ? {} : { redirect: to.fullPath } };
    return true;
  });
  router.afterEach((to) => {
    document.title = `${String(to.meta.title ?? '')} · weapp-fleet`;
  });
  return router;
}
