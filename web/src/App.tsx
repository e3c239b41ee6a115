import { lazy, Suspense } from 'react';
import { Route, Routes } from 'react-router-dom';
import { Layout } from './components/Layout';
import { Loading } from './components/Loading';
import { HomePage } from './pages/HomePage';
import { LegacyPage } from './pages/LegacyPage';
import { SignInPage } from './pages/SignInPage';
import { NotFoundPage } from './pages/NotFoundPage';

// Pages a first visit never needs are loaded on demand to keep the first page small.
const NewLegacyPage = lazy(() => import('./pages/NewLegacyPage'));
const EditLegacyPage = lazy(() => import('./pages/EditLegacyPage'));
const FindLegacyPage = lazy(() => import('./pages/FindLegacyPage'));
const StoryPage = lazy(() => import('./pages/StoryPage'));
const SearchPage = lazy(() => import('./pages/SearchPage'));
const StoryEditorPage = lazy(() => import('./pages/StoryEditorPage'));
const ImportLegacyPage = lazy(() => import('./pages/ImportLegacyPage'));
const InvitePage = lazy(() => import('./pages/InvitePage'));

/** The routes of the app, inside the common layout. */
export function App() {
  return (
    <Layout>
      <Suspense fallback={<Loading what="page" />}>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/sign-in" element={<SignInPage />} />
          <Route path="/legacies/new" element={<NewLegacyPage />} />
          <Route path="/legacies/import" element={<ImportLegacyPage />} />
          <Route path="/find" element={<FindLegacyPage />} />
          <Route path="/invites/:token" element={<InvitePage />} />
          <Route path="/search" element={<SearchPage />} />
          <Route path="/legacies/:legacyId" element={<LegacyPage />} />
          <Route path="/legacies/:legacyId/edit" element={<EditLegacyPage />} />
          <Route path="/legacies/:legacyId/stories/new" element={<StoryEditorPage />} />
          <Route path="/stories/:storyId" element={<StoryPage />} />
          <Route path="/stories/:storyId/edit" element={<StoryEditorPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </Layout>
  );
}
