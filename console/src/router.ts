import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router';
import { watch } from 'vue';
import { session } from './auth/session';
import { currentLocale, t } from './i18n';

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: { name: 'dashboard' } },
  { path: '/sign-in', name: 'sign-in', component: () => import('./pages/SignInPage.vue'), meta: { public: true, title: 'title.signIn' } },
  { path: '/dashboard', name: 'dashboard', component: () => import('./pages/DashboardPage.vue'), meta: { title: 'title.dashboard' } },
  { path: '/authorize', name: 'authorize', component: () => import('./pages/AuthorizePage.vue'), meta: { title: 'title.authorize' } },
  { path: '/authorizers', name: 'authorizers', component: () => import('./pages/AuthorizersPage.vue'), meta: { title: 'title.authorizers' } },
  { path: '/authorizers/:appId', name: 'authorizer', component: () => import('./pages/AuthorizerPage.vue'), props: true, meta: { title: 'title.authorizer' } },
  { path: '/templates', name: 'templates', component: () => import('./pages/TemplatesPage.vue'), meta: { title: 'title.templates' } },
  { path: '/releases', name: 'releases', component: () => import('./pages/ReleasesPage.vue'), meta: { title: 'title.releases' } },
  { path: '/releases/new', name: 'release-new', component: () => import('./pages/ReleaseWizardPage.vue'), meta: { title: 'title.releaseNew' } },
  { path: '/releases/:releaseId', name: 'release', component: () => import('./pages/ReleaseProgressPage.vue'), props: true, meta: { title: 'title.release' } },
  { path: '/registrations', name: 'registrations', component: () => import('./pages/RegistrationsPage.vue'), meta: { title: 'title.registrations' } },
  { path: '/audit-log', name: 'audit-log', component: () => import('./pages/AuditLogPage.vue'), meta: { title: 'title.auditLog' } },
  { path: '/:unknown(.*)*', redirect: { name: 'dashboard' } },
];

export function createConsoleRouter() {
  const router = createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
  router.beforeEach((to) => {
    if (!to.meta.public && !session.current) return { name: 'sign-in', query: to.fullPath === '/dashboard' ? {} : { redirect: to.fullPath } };
    return true;
  });
  const setTitle = () => {
    const key = router.currentRoute.value.meta.title;
    document.title = key ? `${t(key)} · weapp-fleet` : 'weapp-fleet';
  };
  router.afterEach(setTitle);
  watch(currentLocale, setTitle);
  return router;
}
