import './zod-jitless';
import ElementPlus from 'element-plus';
import 'element-plus/dist/index.css';
import { createApp, h } from 'vue';
import { configureApi } from './api/client';
import App from './App.vue';
import { signOut } from './auth/session';
import { CONSOLE_CONFIG, loadConfig } from './config';
import { elementConfig, i18n, t } from './i18n';
import { createConsoleRouter } from './router';
import './style.css';

async function main(): Promise<void> {
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    // Without a valid config there is nothing to sign in to; say why instead of a blank page.
    createApp({ render: () => h('pre', { class: 'fatal' }, t('app.fatal', { reason: (error as Error).message })) }).mount('#app');
    return;
  }
  const router = createConsoleRouter();
  configureApi(config.apiBaseUrl, () => {
    signOut();
    if (router.currentRoute.value.name !== 'sign-in') void router.push({ name: 'sign-in', query: { redirect: router.currentRoute.value.fullPath, expired: '1' } });
  });
  const app = createApp(App);
  app.provide(CONSOLE_CONFIG, config);
  app.use(ElementPlus, elementConfig).use(i18n).use(router).mount('#app');
}

void main();
